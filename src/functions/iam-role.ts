/**
 * `spillway lambda role --create|--check`: the offload function's execution role. The trust policy (Lambda may
 * assume it) and the permissions (write its own CloudWatch logs, the actions of AWSLambdaBasicExecutionRole) are
 * the documents in deploy/iam/; --create makes the role and puts the permissions as an inline policy (both
 * idempotent), --check reads the role back and says what differs. Credentials: the SDK's chain, never printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { UserError } from '../util/errors.js';
import { repoRoot } from './paths.js';

export const ROLE_POLICY_NAME = 'spillway-offload-logs';
export const TRUST_POLICY_FILE = 'deploy/iam/lambda-trust-policy.json';
export const PERMISSIONS_FILE = 'deploy/iam/offload-permissions.json';

export interface RoleOptions {
  roleName: string;
  region: string;
  profile?: string;
  /** An IAM-compatible endpoint (tests: moto_server); omit for AWS. */
  endpoint?: string;
  log?: (line: string) => void;
}

export interface RoleReport {
  arn: string | null;
  created: boolean;
  /** One entry per thing that is not as the documents in deploy/iam/ say; empty = fine. */
  problems: string[];
}

type Statement = { Effect?: string; Principal?: { Service?: string | string[] }; Action?: string | string[] };
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function readPolicy(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(repoRoot(), rel), 'utf8')) as Record<string, unknown>;
}

/** IAM returns policy documents URL-encoded. */
function decodePolicy(doc: string | undefined): { Statement?: Statement[] } {
  return doc ? (JSON.parse(decodeURIComponent(doc)) as { Statement?: Statement[] }) : {};
}

/** Whether some Allow statement lets lambda.amazonaws.com call sts:AssumeRole. */
export function trustsLambda(doc: { Statement?: Statement[] }): boolean {
  return (doc.Statement ?? []).some(
    (s) => s.Effect === 'Allow' && list(s.Principal?.Service).includes('lambda.amazonaws.com') && list(s.Action).includes('sts:AssumeRole'),
  );
}

function iamClient(o: RoleOptions): IAMClient {
  return new IAMClient({ region: o.region, ...(o.profile ? { profile: o.profile } : {}), ...(o.endpoint ? { endpoint: o.endpoint } : {}) });
}

function iamError(err: unknown, what: string): unknown {
  if (!(err instanceof Error)) return err;
  if (err.name === 'CredentialsProviderError') return new UserError(`lambda role: ${what}: no AWS credentials found by the SDK's chain`);
  if (['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'MalformedPolicyDocument', 'ValidationError'].includes(err.name)) {
    return new UserError(`lambda role: ${what}: ${err.name}: ${err.message}`);
  }
  return err;
}

export async function checkRole(o: RoleOptions, client = iamClient(o)): Promise<RoleReport> {
  try {
    const role = await client.send(new GetRoleCommand({ RoleName: o.roleName })).catch((err: Error) => {
      if (err.name === 'NoSuchEntity' || err.name === 'NoSuchEntityException') return null;
      throw iamError(err, 'GetRole');
    });
    if (!role?.Role) return { arn: null, created: false, problems: [`role ${o.roleName} does not exist (spillway lambda role --create)`] };
    const problems: string[] = [];
    if (!trustsLambda(decodePolicy(role.Role.AssumeRolePolicyDocument))) problems.push(`its trust policy does not let lambda.amazonaws.com assume it (${TRUST_POLICY_FILE})`);
    const inline = await client.send(new GetRolePolicyCommand({ RoleName: o.roleName, PolicyName: ROLE_POLICY_NAME })).catch((err: Error) => {
      if (err.name === 'NoSuchEntity' || err.name === 'NoSuchEntityException') return null;
      throw iamError(err, 'GetRolePolicy');
    });
    if (!inline) problems.push(`it has no inline policy ${ROLE_POLICY_NAME} (${PERMISSIONS_FILE})`);
    else if (JSON.stringify(decodePolicy(inline.PolicyDocument)) !== JSON.stringify(readPolicy(PERMISSIONS_FILE))) {
      problems.push(`its inline policy ${ROLE_POLICY_NAME} differs from ${PERMISSIONS_FILE}`);
    }
    return { arn: role.Role.Arn ?? null, created: false, problems };
  } finally {
    client.destroy();
  }
}

/** Creates the role if missing and (re)puts the inline permissions policy; then checks it. */
export async function createRole(o: RoleOptions, client = iamClient(o)): Promise<RoleReport> {
  const log = o.log ?? (() => undefined);
  const before = await checkRole(o, iamClient(o));
  let created = false;
  try {
    if (before.arn === null) {
      await client.send(new CreateRoleCommand({
        RoleName: o.roleName,
        AssumeRolePolicyDocument: JSON.stringify(readPolicy(TRUST_POLICY_FILE)),
        Description: 'Spillway offload function execution role',
      })).catch((err) => Promise.reject(iamError(err, 'CreateRole')));
      created = true;
      log(`created role ${o.roleName}`);
    }
    await client.send(new PutRolePolicyCommand({
      RoleName: o.roleName,
      PolicyName: ROLE_POLICY_NAME,
      PolicyDocument: JSON.stringify(readPolicy(PERMISSIONS_FILE)),
    })).catch((err) => Promise.reject(iamError(err, 'PutRolePolicy')));
    log(`put inline policy ${ROLE_POLICY_NAME} from ${PERMISSIONS_FILE}`);
  } finally {
    client.destroy();
  }
  // IAM is eventually consistent: a new role may not be assumable by Lambda for some seconds (CreateFunction then
  // answers "The role defined for the function cannot be assumed by Lambda"); the caller is told to wait.
  return { ...(await checkRole(o)), created };
}
