/**
 * The AWS region, found the way the SDK finds it. --region wins; a local endpoint needs none (us-east-1); otherwise
 * a client built without a region is asked for the one its own chain resolves: AWS_REGION, then the `region` of the
 * profile (--profile, else AWS_PROFILE, else default) in ~/.aws/config and ~/.aws/credentials, then EC2 instance
 * metadata. Asking the client, rather than reading the environment here, keeps this in step with what every call
 * made afterwards will use. (The JavaScript SDK does not read AWS_DEFAULT_REGION, the AWS CLI's variable.)
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { UserError } from '../util/errors.js';
import { isLocalEndpoint } from './endpoint-url.js';

export interface RegionOptions {
  /** --region: used as given. */
  region?: string;
  /** --profile: the shared-config profile whose `region` the chain reads (default: AWS_PROFILE, else default). */
  profile?: string;
  /** A local endpoint URL: no region needed, us-east-1 is used. */
  endpoint?: string;
}

/** The region of every local endpoint (its ARNs say so). */
export const LOCAL_REGION = 'us-east-1';

/** The one line a user sees when no link of the chain gives a region. */
export function noRegionMessage(profile: string | undefined): string {
  const where = profile ? `the profile "${profile}"` : 'the profile in use (AWS_PROFILE, else default)';
  return `no AWS region: pass --region, set AWS_REGION, or set region for ${where} in ~/.aws/config (aws configure set region <region>${profile ? ` --profile ${profile}` : ''})`;
}

export async function resolveRegion(o: RegionOptions): Promise<string> {
  if (o.region !== undefined && o.region !== '') return o.region;
  if (isLocalEndpoint(o.endpoint)) return LOCAL_REGION;
  const client = new LambdaClient(o.profile ? { profile: o.profile } : {});
  try {
    return await client.config.region();
  } catch (err) {
    if (err instanceof Error && /Region is missing/i.test(err.message)) throw new UserError(noRegionMessage(o.profile));
    if (err instanceof Error && /Region not accepted/i.test(err.message)) throw new UserError(`the AWS region found is not valid: ${err.message}`);
    throw err;
  } finally {
    client.destroy();
  }
}
