/** Stable identifiers: a hash of a canonical JSON form (object keys sorted), so key order in files never matters. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** First `length` hex digits of the SHA-256 of the canonical JSON of `value`. */
export function stableId(value: unknown, length = 16): string {
  return sha256(canonicalJson(value)).slice(0, length);
}
