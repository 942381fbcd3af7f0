/** `spillway policies [--json]`: the built-in burst policies, their parameters, defaults and bounds. */
import type { CommandModule } from 'yargs';
import { describePolicies, formatPolicies } from '../../policy/describe.js';
import { BUILTIN_POLICIES } from '../../policy/registry.js';

interface PoliciesArgs {
  json: boolean;
}

export const policiesCommand: CommandModule<object, PoliciesArgs> = {
  command: 'policies',
  describe: 'List the built-in burst policies with their parameters, defaults and bounds',
  builder: (y) =>
    y.option('json', { type: 'boolean', default: false, describe: 'print a JSON array instead of text' }),
  handler: (argv) => {
    const descriptions = describePolicies(BUILTIN_POLICIES);
    process.stdout.write(argv.json ? `${JSON.stringify(descriptions, null, 2)}\n` : formatPolicies(descriptions));
  },
};
