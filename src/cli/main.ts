#!/usr/bin/env node
/** The `spillway` command: one yargs program, one module per sub-command under ./commands. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../util/errors.js';
import { commands } from './commands/index.js';

function failUser(message: string): never {
  process.stderr.write(`spillway: ${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('spillway')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      failUser(msg ?? 'bad arguments');
    });
  for (const command of commands) cli = cli.command(command);
  await cli.parseAsync();
}

main(hideBin(process.argv)).catch((err: unknown) => {
  if (err instanceof UserError) failUser(err.message);
  process.stderr.write(`spillway: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
