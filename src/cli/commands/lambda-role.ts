/** `spillway lambda role --create|--check`: the offload function's execution role (src/functions/iam-role.ts). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../util/errors.js';

interface RoleArgs {
  'role-name': string;
  create: boolean;
  check: boolean;
  region?: string;
  profile?: string;
  'iam-endpoint'?: string;
}

export const roleCommand: CommandModule<object, RoleArgs> = {
  command: 'role',
  describe: 'Create (--create) or check (--check) the execution role from deploy/iam/; prints its ARN for lambda deploy --role',
  builder: (y) =>
    y
      .option('role-name', { type: 'string', default: 'spillway-offload-role' })
      .option('create', { type: 'boolean', default: false, describe: 'create it if missing and put its permissions policy' })
      .option('check', { type: 'boolean', default: false, describe: 'check trust and permissions against deploy/iam/ (exit 2 if not as they say)' })
      .option('region', { type: 'string', describe: 'AWS region (IAM is global; the region picks the partition; default: the SDK chain, else us-east-1)' })
      .option('profile', { type: 'string', describe: 'shared-config profile for region and credentials' })
      .option('iam-endpoint', { type: 'string', describe: 'an IAM-compatible endpoint (tests); omit for AWS' }),
  handler: async (a) => {
    if (a.create === a.check) throw new UserError('lambda role: give exactly one of --create or --check');
    // Loaded here, not at start-up: the IAM SDK alone costs every other command ~80 ms of CPU to import.
    const { checkRole, createRole } = await import('../../functions/iam-role.js');
    const { resolveRegion } = await import('../../functions/region.js');
    // IAM is global: a region is only needed for signing and the partition, so us-east-1 serves when none is set.
    const region = await resolveRegion({ region: a.region, profile: a.profile }).catch(() => 'us-east-1');
    const o = { roleName: a['role-name'], region, profile: a.profile, endpoint: a['iam-endpoint'], log: (l: string) => process.stderr.write(`lambda role: ${l}\n`) };
    const r = a.create ? await createRole(o) : await checkRole(o);
    if (r.problems.length > 0) throw new UserError(`lambda role: ${a['role-name']}: ${r.problems.join('; ')}`);
    if (r.created) process.stderr.write('lambda role: a new role can take some seconds before Lambda may assume it (IAM is eventually consistent); if lambda deploy says it "cannot be assumed by Lambda", run it again\n');
    process.stdout.write(`${r.arn}\n`);
  },
};
