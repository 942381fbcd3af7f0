/** Small HTTP helpers shared by the routes: bounded body reading and responses that always carry a request id. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LambdaApiError } from './aws-errors.js';

/** Lambda's synchronous payload limit; larger invoke requests get 413 RequestTooLargeException. */
export const INVOKE_PAYLOAD_LIMIT = 6 * 1024 * 1024;
/** Management calls carry a base64 zip (50 MB direct-upload limit on AWS); read a bit more than that. */
export const MAX_BODY_BYTES = 70 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge(`body larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJsonObject(body: Buffer, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new LambdaApiError(400, 'InvalidParameterValueException', { Type: 'User', message: `${what}: body is not JSON (${(err as Error).message})` });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new LambdaApiError(400, 'InvalidParameterValueException', { Type: 'User', message: `${what}: body must be a JSON object` });
  }
  return v as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, requestId: string, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(data.length),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  res.end(data);
}

export function sendEmpty(res: ServerResponse, requestId: string, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Length': '0', 'x-amzn-RequestId': requestId, ...headers });
  res.end();
}

export function sendApiError(res: ServerResponse, requestId: string, err: LambdaApiError): void {
  sendJson(res, requestId, err.status, err.body, { 'x-amzn-ErrorType': err.errorType });
}
