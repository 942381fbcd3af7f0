#!/usr/bin/env node
/** The `spillway` command: one yargs program (./program.ts), one module per sub-command under ./commands. */
import { hideBin } from 'yargs/helpers';
import { runCli } from './program.js';

runCli(hideBin(process.argv)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`spillway: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
