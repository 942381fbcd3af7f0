/** Every sub-command of `spillway`. Each lives in its own module; add new ones here. */
import type { CommandModule } from 'yargs';
import { azureCommand } from './azure.js';
import { calibrateCommand } from './calibrate.js';
import { demoCommand } from './demo.js';
import { lambdaCommand } from './lambda.js';
import { policiesCommand } from './policies.js';
import { reportCommand } from './report.js';
import { rescaleLiveCommand } from './rescale-live.js';
import { simulateCommand } from './simulate.js';
import { sweepGroupCommand } from './sweep-merge.js';
import { traceCommand } from './trace.js';
import { tuneCommand } from './tune.js';
import { validateCommand } from './validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  simulateCommand,
  demoCommand,
  sweepGroupCommand,
  tuneCommand,
  reportCommand,
  traceCommand,
  policiesCommand,
  lambdaCommand,
  azureCommand,
  validateCommand,
  calibrateCommand,
  rescaleLiveCommand,
];
