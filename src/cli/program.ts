/**
 * The `spillway` program as a function: parse, run the command, and turn a user's mistake into one line on
 * stderr and exit code 2. main.ts runs it for the shell; tests run it in-process (the bad-input corpus).
 */
import yargs from 'yargs';
import { UserError } from '../util/errors.js';
import { commands } from './commands/index.js';

/** Exit code of a user's mistake (bad input, refused output path). */
export const EXIT_USER_ERROR = 2;

/** One line, whatever the message holds: newlines folded, control and stray bytes shown as escapes. */
export function oneLine(message: string): string {
  return message
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => (c === '\ufffd' ? '?' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .trim();
}

export function userErrorLine(message: string): string {
  return `spillway: ${oneLine(message)}\n`;
}

/** Run the CLI on `argv` (without node and script); resolves to the exit code (process.exitCode if a command set one). */
export async function runCli(argv: string[]): Promise<number> {
  let cli = yargs(argv)
    .scriptName('spillway')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .version(false)
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err ?? new UserError(msg ?? 'bad arguments');
    });
  for (const command of commands) cli = cli.command(command);
  try {
    await cli.parseAsync();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    process.stderr.write(userErrorLine(err.message));
    return EXIT_USER_ERROR;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
