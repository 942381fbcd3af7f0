// lambda probe --profile: the profile reaches the probe's Lambda client (its credentials are looked up there).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeLambda } from '../../src/functions/probe.js';

const KEYS = ['AWS_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  const dir = mkdtempSync(join(tmpdir(), 'spillway-probe-'));
  // a profile with a region and no credentials anywhere: the first call fails before any network
  writeFileSync(join(dir, 'config'), '[profile burst]\nregion = ap-south-1\n');
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(() => {
  for (const k of KEYS) (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k]));
});

describe('lambda probe --profile', () => {
  it('looks up the credentials of the named profile and names it when there are none', async () => {
    await expect(probeLambda({ functionName: 'spillway-offload', profile: 'burst', cold: 0, warm: 1 })).rejects.toThrow(
      /^lambda probe: GetFunctionConfiguration: no AWS credentials found by profile "burst"$/,
    );
  });
});
