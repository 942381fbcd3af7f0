/**
 * Where large things go when they do not fit a Lambda request or response (6 MB each way): an S3 bucket, through
 * @aws-sdk/client-s3 (loaded only when S3 is used). Credentials come from the SDK's default chain (in the function:
 * its execution role), never from here. Tests substitute an in-memory store with the same three methods.
 */
import { UserError } from '../../../util/errors.js';
import type { S3Location } from './payload.js';

export interface ObjectStore {
  put(loc: S3Location, body: Buffer): Promise<void>;
  get(loc: S3Location): Promise<Buffer>;
  exists(loc: S3Location): Promise<boolean>;
  /** Throws a one-line UserError when the bucket is missing or refused (checked before a sweep writes anything). */
  checkBucket?(bucket: string): Promise<void>;
}

/** `s3://bucket/some/prefix` → bucket and prefix (no leading or trailing slash). */
export function parseS3Url(url: string, what: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`${what}: expected s3://<bucket>[/<prefix>], got ${JSON.stringify(url)}`);
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

export function s3Key(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** S3's answers no retry can fix (a missing bucket, refused or unsigned credentials, no network path). */
const S3_USER_FAULTS = new Set(['NoSuchBucket', 'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'PermanentRedirect',
  'AuthorizationHeaderMalformed', 'InvalidBucketName', 'CredentialsProviderError']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH']);

/** One line for an S3 failure a user must fix (`what` names the bucket); anything else unchanged. */
export function s3UserError(err: unknown, what: string): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: string }).code ?? ((err as Error).cause as { code?: string } | undefined)?.code;
  if (UNREACHABLE.has(code ?? '')) return new UserError(`${what}: cannot reach the S3 endpoint (${code})`);
  if (S3_USER_FAULTS.has(err.name)) return new UserError(`${what}: ${err.name}: ${err.message.split('\n')[0]}`);
  return err;
}

export interface S3StoreOptions {
  region?: string;
  /** An S3-compatible endpoint (e.g. MinIO, moto); path-style addressing is used with it. */
  endpoint?: string;
}

export async function s3ObjectStore(o: S3StoreOptions = {}): Promise<ObjectStore> {
  const s3 = await import('@aws-sdk/client-s3');
  // The SDK refuses to sign without a region even for a custom endpoint, where the region means nothing to the
  // server: there it falls back to us-east-1 (what MinIO and moto expect by default) unless one is configured.
  const region = o.region ?? (o.endpoint ? process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1' : undefined);
  const client = new s3.S3Client({
    ...(region ? { region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
  });
  return {
    async put(loc, body) {
      await client.send(new s3.PutObjectCommand({ Bucket: loc.bucket, Key: loc.key, Body: body, ContentType: 'application/json' }));
    },
    async get(loc) {
      const out = await client.send(new s3.GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
      if (!out.Body) throw new Error(`s3://${loc.bucket}/${loc.key}: empty object`);
      return Buffer.from(await out.Body.transformToByteArray());
    },
    async checkBucket(bucket) {
      try {
        await client.send(new s3.HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        // HEAD answers have no body, so S3 gives only the status: 404 no such bucket, 403 not yours.
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) throw new UserError(`s3://${bucket}: NoSuchBucket: the bucket does not exist`);
        if (status === 403) throw new UserError(`s3://${bucket}: AccessDenied: the credentials may not use this bucket`);
        throw s3UserError(err, `s3://${bucket}`);
      }
    },
    async exists(loc) {
      try {
        await client.send(new s3.HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }));
        return true;
      } catch (err) {
        if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw err;
      }
    },
  };
}
