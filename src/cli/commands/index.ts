/** Every sub-command of `spillway`. Each lives in its own module; add new ones here. */
import type { CommandModule } from 'yargs';
import { simulateCommand } from './simulate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [simulateCommand];
