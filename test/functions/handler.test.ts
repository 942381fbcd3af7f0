/** The Node offload handler on the vectors shared with the Python handler and the Java job, and its bundle. */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { handler } from '../../lambda/node/src/handler.js';
import { parseFilter, tokenize, windowCount, windowSum } from '../../lambda/node/src/ops.js';
import { buildLambdaBundle } from '../../src/functions/bundle.js';
import { lambdaPaths, repoRoot } from '../../src/functions/paths.js';
import { readZip } from '../../src/endpoint/zip-read.js';

interface Vectors {
  tokenize: { name: string; text: string; tokens: string[] }[];
  window_count: { name: string; window_ms: number; records: { seq: number; t: number; key: string }[]; partials: unknown[] }[];
  window_sum: { name: string; window_ms: number; records: { seq: number; t: number; key: string; value: number }[]; partials: unknown[] }[];
  parse_filter: { name: string; keep: Record<string, string>; project: string[]; records: { seq: number; t: number; text: string }[]; out: unknown[] }[];
  invalid: { name: string; event: unknown }[];
}
const vectors = JSON.parse(readFileSync(lambdaPaths.vectors(), 'utf8')) as Vectors;

describe('tokenize on the shared vectors', () => {
  it.each(vectors.tokenize.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(tokenize(c.text)).toEqual(c.tokens);
  });
});

describe('window_count on the shared vectors', () => {
  it.each(vectors.window_count.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(windowCount(c.records, c.window_ms)).toEqual(c.partials);
  });
});

describe('window_sum on the shared vectors', () => {
  it.each(vectors.window_sum.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(windowSum(c.records, c.window_ms)).toEqual(c.partials);
  });
});

describe('parse_filter on the shared vectors', () => {
  it.each(vectors.parse_filter.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(parseFilter(c.records, c.keep, c.project)).toEqual(c.out);
  });
});

describe('the handler', () => {
  it.each(vectors.invalid.map((c) => [c.name, c] as const))('rejects %s with an Error', async (_name, c) => {
    await expect(handler(c.event)).rejects.toThrow(Error);
  });

  it('answers tokenize with records and the environment fields, cold only the first time', async () => {
    // 2,000 µs of emulated CPU for the one record: duration_ms must count it (the busy wait cannot end sooner).
    const event = { op: 'tokenize', work_us_per_record: 2000, records: [{ seq: 7, t: 1000, text: 'Hello, Flink!' }] };
    const first = await handler(event);
    const second = await handler(event);
    expect(first.records).toEqual([{ seq: 7, t: 1000, tokens: ['hello', 'flink'] }]);
    expect(second.env).toBe(first.env);
    expect(second.cold).toBe(false);
    expect(second).not.toHaveProperty('init_ms');
    for (const r of [first, second]) expect(r.duration_ms).toBeGreaterThanOrEqual(2);
  });

  it('wait mode: holds the batch on a timer for wait_ms, then answers', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const p = handler({ op: 'tokenize', work_us_per_record: 0, wait_ms: 12, records: [{ seq: 1, t: 1, text: 'a b' }] }).then((r) => {
        done = true;
        return r;
      });
      await vi.advanceTimersByTimeAsync(11);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      expect((await p).records).toEqual([{ seq: 1, t: 1, tokens: ['a', 'b'] }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers parse_filter with the kept records, projected; a record that is not JSON fails the batch', async () => {
    const c = vectors.parse_filter[0]!;
    const out = await handler({ op: 'parse_filter', keep: c.keep, project: c.project, records: c.records });
    expect(out.records).toEqual(c.out);
    await expect(handler({ op: 'parse_filter', keep: {}, project: [], records: [{ seq: 1, t: 0, text: 'nope' }] })).rejects.toThrow();
    await expect(handler({ op: 'parse_filter', keep: { a: 1 }, project: [], records: [] })).rejects.toThrow(/keep must map/);
  });

  it('answers window_count with partials', async () => {
    const c = vectors.window_count[0]!;
    const out = await handler({ op: 'window_count', window_ms: c.window_ms, records: c.records });
    expect(out.partials).toEqual(c.partials);
    expect(out).not.toHaveProperty('records');
  });

  it('answers window_sum with partial sums and counts (hand-computed: 5 + 11, 7 + 2, 13, 100)', async () => {
    const c = vectors.window_sum[0]!;
    const out = await handler({ op: 'window_sum', window_ms: c.window_ms, records: c.records });
    expect(out.partials).toEqual([
      { window_start: 1000, key: 'a', count: 2, sum: 16 },
      { window_start: 1000, key: 'b', count: 2, sum: 9 },
      { window_start: 2000, key: 'a', count: 1, sum: 13 },
      { window_start: 2000, key: 'b', count: 1, sum: 100 },
    ]);
    await expect(handler({ op: 'window_sum', window_ms: 1000, records: [{ seq: 1, t: 0, key: 'a', value: '3' }] })).rejects.toThrow(/records\[0\]\.value must be an integer/);
  });
});

describe('the deployable bundle', () => {
  it('is a zip holding index.mjs that exports the handler, byte-identical across builds', async () => {
    const a = await buildLambdaBundle('node');
    const b = await buildLambdaBundle('node');
    expect(a.zip.equals(b.zip)).toBe(true);
    expect(a.codeSha256).toBe(b.codeSha256);
    expect(a.handler).toBe('index.handler');
    const files = readZip(a.zip);
    expect([...files.keys()]).toEqual(['index.mjs']);
    expect(files.get('index.mjs')!.toString('utf8')).toMatch(/export\s*\{[^}]*handler/);
  });

  it('packs handler.py for the Python runtime', async () => {
    const p = await buildLambdaBundle('python');
    expect(p.handler).toBe('handler.handler');
    expect(readZip(p.zip).get('handler.py')!.equals(readFileSync(lambdaPaths.pythonHandler()))).toBe(true);
  });
});

// The Python handler's own tests (same vectors), run here too so `npm test` keeps the two implementations equal.
const pytest = spawnSync('python3', ['-m', 'pytest', '--version'], { encoding: 'utf8' });
describe.skipIf(pytest.status !== 0)('the Python handler (pytest)', () => {
  it('passes lambda/python/test_handler.py', () => {
    const r = spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'lambda/python/test_handler.py'], {
      cwd: repoRoot(),
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toMatch(/passed/);
    expect(r.status).toBe(0);
  });
});
