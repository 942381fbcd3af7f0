// The execution role against moto_server's IAM API through @aws-sdk/client-iam (test/helpers/s3-server.ts starts it;
// moto serves every service on one port). Fake static credentials, as moto accepts any.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { checkRole, createRole, ROLE_POLICY_NAME, trustsLambda } from '../../src/functions/iam-role.js';
import { startS3Server, type S3Server } from '../helpers/s3-server.js';

let moto: S3Server;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  moto = await startS3Server();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  process.env.AWS_ACCESS_KEY_ID = saved.id;
  process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
});

const opts = (roleName: string) => ({ roleName, region: 'us-east-1', endpoint: moto.url });

describe('lambda role --create/--check (moto IAM)', () => {
  it('a missing role is one problem; --create makes it, checks clean, and is idempotent', async () => {
    expect((await checkRole(opts('r1'))).problems).toEqual(['role r1 does not exist (spillway lambda role --create)']);
    const made = await createRole(opts('r1'));
    expect(made.created).toBe(true);
    expect(made.problems).toEqual([]);
    expect(made.arn).toMatch(/^arn:aws:iam::\d{12}:role\/r1$/);
    const again = await createRole(opts('r1'));
    expect(again).toEqual({ ...made, created: false });
  });
  it('a role Lambda may not assume and without the permissions policy: both named', async () => {
    const c = new IAMClient({ region: 'us-east-1', endpoint: moto.url });
    const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await c.send(new CreateRoleCommand({ RoleName: 'r2', AssumeRolePolicyDocument: JSON.stringify(ec2Trust) }));
    expect((await checkRole(opts('r2'))).problems).toEqual([
      'its trust policy does not let lambda.amazonaws.com assume it (deploy/iam/lambda-trust-policy.json)',
      `it has no inline policy ${ROLE_POLICY_NAME} (deploy/iam/offload-permissions.json)`,
    ]);
    const other = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    await c.send(new PutRolePolicyCommand({ RoleName: 'r2', PolicyName: ROLE_POLICY_NAME, PolicyDocument: JSON.stringify(other) }));
    expect((await checkRole(opts('r2'))).problems[1]).toBe(`its inline policy ${ROLE_POLICY_NAME} differs from deploy/iam/offload-permissions.json`);
    c.destroy();
  });
  it('trustsLambda reads Principal and Action as string or list, Allow only', () => {
    const st = (Effect: string, svc: string | string[], act: string | string[]) => ({ Statement: [{ Effect, Principal: { Service: svc }, Action: act }] });
    expect(trustsLambda(st('Allow', ['ec2.amazonaws.com', 'lambda.amazonaws.com'], ['sts:AssumeRole']))).toBe(true);
    expect(trustsLambda(st('Deny', 'lambda.amazonaws.com', 'sts:AssumeRole'))).toBe(false);
    expect(trustsLambda(st('Allow', 'lambda.amazonaws.com', 'sts:TagSession'))).toBe(false);
  });
});
