/**
 * One place that builds the Lambda client for deploy and probe, and that turns what goes wrong with it into
 * one-line UserErrors. Against real AWS, credentials come from the SDK's default chain (environment, shared
 * config / SSO, web identity, instance or container role) and are never read, printed or stored here.
 * Against a local endpoint (127.0.0.1 / localhost), fixed dummy credentials are used, since it checks none.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { UserError } from '../util/errors.js';
import { isLocalEndpoint } from './endpoint-url.js';
import { LOCAL_REGION, noRegionMessage } from './region.js';

export { isLocalEndpoint };

export interface LambdaClientOptions {
  /** Local endpoint URL (e.g. http://127.0.0.1:9001); omit for real AWS. */
  endpoint?: string;
  region?: string;
  /** Shared-config profile (--profile) for the region and the credentials; default: AWS_PROFILE, else default. */
  profile?: string;
  /** SDK attempts per call (default 3, the SDK's own default). */
  maxAttempts?: number;
  /** Sockets per host (the SDK's default of 50 would cap a fan-out's concurrency). */
  maxSockets?: number;
  /** Time to wait for a response, ms (an invocation may run up to the function's timeout). */
  requestTimeoutMs?: number;
}

export function makeLambdaClient(o: LambdaClientOptions): LambdaClient {
  if (o.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(o.endpoint);
    } catch {
      throw new UserError(`--endpoint ${JSON.stringify(o.endpoint)} is not a URL (expected e.g. http://127.0.0.1:9001)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`--endpoint must be an http(s) URL, got ${o.endpoint}`);
  }
  const local = isLocalEndpoint(o.endpoint);
  // Without --region the SDK resolves one with its own chain (region.ts); a missing one fails the first call.
  const region = o.region ?? (local ? LOCAL_REGION : undefined);
  return new LambdaClient({
    ...(region !== undefined ? { region } : {}),
    ...(o.profile !== undefined && !local ? { profile: o.profile } : {}),
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    ...(local ? { credentials: { accessKeyId: 'spillway-local', secretAccessKey: 'spillway-local' } } : {}),
    ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts, retryMode: 'standard' } : {}),
    ...(o.maxSockets !== undefined || o.requestTimeoutMs !== undefined
      ? {
          requestHandler: {
            ...(o.requestTimeoutMs !== undefined ? { requestTimeout: o.requestTimeoutMs } : {}),
            ...(o.maxSockets !== undefined ? { httpAgent: { keepAlive: true, maxSockets: o.maxSockets }, httpsAgent: { keepAlive: true, maxSockets: o.maxSockets } } : {}),
          },
        }
      : {}),
  });
}

/** Errors a user can fix (no endpoint, no credentials, no permission, bad value) become UserErrors. */
export function userErrorFromAws(err: unknown, what: string, endpoint: string | undefined, profile?: string): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  const target = endpoint ?? 'AWS Lambda';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET' || e.name === 'TimeoutError') {
    return new UserError(`${what}: cannot reach ${target} (${code ?? e.name})${endpoint ? '; is `spillway lambda serve` running?' : ''}`);
  }
  if (e.name === 'CredentialsProviderError') {
    const source = profile ? `profile "${profile}"` : "the SDK's default chain (environment, shared config/SSO, instance role)";
    return new UserError(`${what}: no AWS credentials found by ${source}`);
  }
  if (/Region is missing/i.test(e.message)) return new UserError(`${what}: ${noRegionMessage(profile)}`);
  const userFaults = new Set([
    'AccessDeniedException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'ExpiredTokenException',
    'InvalidParameterValueException',
    'ResourceNotFoundException',
    'ResourceConflictException',
    'CodeStorageExceededException',
  ]);
  if (userFaults.has(e.name)) return new UserError(`${what}: ${e.name}: ${e.message}`);
  return err;
}
