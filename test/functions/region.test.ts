// The region comes from the SDK's own chain (AWS_REGION, then the profile's region in ~/.aws/config), never by hand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeLambda } from '../../src/functions/probe.js';
import { resolveRegion } from '../../src/functions/region.js';

const KEYS = ['AWS_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  const dir = mkdtempSync(join(tmpdir(), 'spillway-region-'));
  writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n[profile bare]\noutput = json\n');
  writeFileSync(join(dir, 'credentials'), '');
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(() => {
  for (const k of KEYS) (saved[k] === undefined ? delete process.env[k] : (process.env[k] = saved[k]));
});

describe('resolveRegion: the SDK chain with a profile', () => {
  it('--region wins; a local endpoint needs none', async () => {
    expect(await resolveRegion({ region: 'us-west-2', profile: 'dev' })).toBe('us-west-2');
    expect(await resolveRegion({ endpoint: 'http://127.0.0.1:9001' })).toBe('us-east-1');
  });
  it('default profile, --profile, AWS_PROFILE, then AWS_REGION over the profile', async () => {
    expect(await resolveRegion({})).toBe('eu-west-1');
    expect(await resolveRegion({ profile: 'dev' })).toBe('ap-south-1');
    process.env.AWS_PROFILE = 'dev';
    expect(await resolveRegion({})).toBe('ap-south-1');
    process.env.AWS_REGION = 'ca-central-1';
    expect(await resolveRegion({ profile: 'dev' })).toBe('ca-central-1');
  });
  it('no region anywhere: one line naming the profile', async () => {
    await expect(resolveRegion({ profile: 'bare' })).rejects.toThrow(/^no AWS region: pass --region, set AWS_REGION, or set region for the profile "bare" in ~\/\.aws\/config/);
    await expect(resolveRegion({ profile: 'missing' })).rejects.toThrow(/profile "missing"/);
  });
});

describe('lambda probe --profile', () => {
  it('the profile reaches the probe\'s client: its region, and its (missing) credentials named in one line', async () => {
    // dev has a region and no credentials anywhere: the first call fails before any network
    await expect(probeLambda({ functionName: 'spillway-offload', profile: 'dev', cold: 0, warm: 1 })).rejects.toThrow(
      /^lambda probe: GetFunctionConfiguration: no AWS credentials found by profile "dev"$/,
    );
    // bare has no region: the client asks that profile, not the default one (which has eu-west-1)
    await expect(probeLambda({ functionName: 'spillway-offload', profile: 'bare', cold: 0, warm: 1 })).rejects.toThrow(/no AWS region.*profile "bare"/);
  });
});
