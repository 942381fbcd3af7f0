import { describe, expect, it } from 'vitest';
import type { PolicyFactory } from '../../src/policy/contract.js';
import { getPolicyFactory, parseParamArgs, resolveParams } from '../../src/policy/registry.js';
import { UserError } from '../../src/util/errors.js';
import { context } from './snapshots.js';

const staticPolicy = getPolicyFactory('static');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('resolveParams', () => {
  it('fills defaults and types CLI strings', () => {
    expect(resolveParams(staticPolicy, { share: '0.25', signal: 'busy', batchRecords: '10' })).toEqual({
      signal: 'busy',
      threshold: 10_000,
      share: 0.25,
      upstreamVertex: '',
      batchRecords: 10,
      maxWaitMs: 50,
      maxInFlight: 32,
    });
  });

  it('is idempotent on resolved values', () => {
    const once = resolveParams(staticPolicy, { share: 0.3 });
    expect(resolveParams(staticPolicy, once)).toEqual(once);
  });

  it('accepts the bounds themselves', () => {
    expect(resolveParams(staticPolicy, { share: 0 }).share).toBe(0);
    expect(resolveParams(staticPolicy, { share: '1' }).share).toBe(1);
  });

  it('names an unknown parameter and lists the known ones', () => {
    expect(messageOf(() => resolveParams(staticPolicy, { shar: 0.5 }))).toBe(
      'policy "static": unknown parameter "shar"; known parameters: signal, threshold, share, upstreamVertex, batchRecords, maxWaitMs, maxInFlight',
    );
  });

  it('rejects a non-number with what is allowed', () => {
    expect(messageOf(() => resolveParams(staticPolicy, { share: 'half' }))).toBe(
      'policy "static": parameter "share": given "half", allowed: a number from 0 to 1',
    );
    expect(messageOf(() => resolveParams(staticPolicy, { share: '' }))).toBe(
      'policy "static": parameter "share": given "", allowed: a number from 0 to 1',
    );
    expect(messageOf(() => resolveParams(staticPolicy, { share: 'NaN' }))).toBe(
      'policy "static": parameter "share": given "NaN", allowed: a number from 0 to 1',
    );
  });

  it('rejects out-of-bounds numbers', () => {
    expect(messageOf(() => resolveParams(staticPolicy, { share: 1.5 }))).toBe(
      'policy "static": parameter "share": given 1.5, allowed: a number from 0 to 1',
    );
    expect(messageOf(() => resolveParams(staticPolicy, { threshold: -1 }))).toBe(
      'policy "static": parameter "threshold": given -1, allowed: a number >= 0',
    );
  });

  it('rejects non-integers where an integer is required', () => {
    expect(messageOf(() => resolveParams(staticPolicy, { maxInFlight: '2.5' }))).toBe(
      'policy "static": parameter "maxInFlight": given "2.5", allowed: an integer from 0 to 10000',
    );
  });

  it('rejects a value outside the choices', () => {
    expect(messageOf(() => resolveParams(staticPolicy, { signal: 'cpu' }))).toBe(
      'policy "static": parameter "signal": given "cpu", allowed: one of busy, backpressure, upstream-backpressure, pending, lag',
    );
  });

  it('types booleans and rejects anything else', () => {
    const withFlag: PolicyFactory = {
      name: 'flagged',
      description: 'test',
      params: [{ name: 'enabled', description: 'on?', default: false }],
      create: () => ({ name: 'flagged', decide: () => ({ points: {} }) }),
    };
    expect(resolveParams(withFlag, { enabled: 'true' })).toEqual({ enabled: true });
    expect(resolveParams(withFlag, { enabled: false })).toEqual({ enabled: false });
    expect(messageOf(() => resolveParams(withFlag, { enabled: 'yes' }))).toBe(
      'policy "flagged": parameter "enabled": given "yes", allowed: true or false',
    );
  });

  it('passes prefixed keys through only for a text parameter that owns the prefix', () => {
    const budget = getPolicyFactory('budget');
    expect(resolveParams(budget, { 'inner.share': '0.2' })['inner.share']).toBe('0.2');
    expect(messageOf(() => resolveParams(staticPolicy, { 'share.x': 1 }))).toBe(
      'policy "static": unknown parameter "share.x"; known parameters: signal, threshold, share, upstreamVertex, batchRecords, maxWaitMs, maxInFlight',
    );
  });

  it('validates inside create too, so runners may pass raw scenario params', () => {
    expect(messageOf(() => staticPolicy.create({ share: 2 }, context()))).toBe(
      'policy "static": parameter "share": given 2, allowed: a number from 0 to 1',
    );
  });

  it('rejects a threshold policy whose off threshold exceeds its on threshold', () => {
    expect(messageOf(() => getPolicyFactory('threshold').create({ onThreshold: 500, offThreshold: 600 }, context()))).toBe(
      'policy "threshold": offThreshold (600) must not exceed onThreshold (500)',
    );
  });
});

describe('parseParamArgs', () => {
  it('splits key=value at the first =', () => {
    expect(parseParamArgs(['share=0.5', 'inner.signal=busy', 'note=a=b'])).toEqual({
      share: '0.5',
      'inner.signal': 'busy',
      note: 'a=b',
    });
  });

  it('accepts one string or nothing', () => {
    expect(parseParamArgs('share=1')).toEqual({ share: '1' });
    expect(parseParamArgs(undefined)).toEqual({});
  });

  it('rejects a missing key or =', () => {
    expect(messageOf(() => parseParamArgs(['share']))).toBe('--param "share": expected key=value');
    expect(messageOf(() => parseParamArgs(['=1']))).toBe('--param "=1": expected key=value');
  });

  it('rejects a key given twice', () => {
    expect(messageOf(() => parseParamArgs(['share=1', 'share=0.5']))).toBe('--param "share": given twice');
  });
});
