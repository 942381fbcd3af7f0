/**
 * Honest endings: a run that did not drain never reads "lost 0"; it exits 3 and says how many records were
 * still in flight and where, unless its scenario stops at the end of the trace on purpose (drain_s 0). A run
 * over its event budget stops with one line (exit 2) and writes nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('spillway-endings-');
const blocking = JSON.parse(readFileSync('examples/queues/blocking.json', 'utf8')) as Record<string, unknown> & { workload: { trace: string } };
blocking.workload.trace = resolve('examples/queues', blocking.workload.trace);
function scenario(name: string, extra: Record<string, unknown>): string {
  const f = join(dir, `${name}.json`);
  writeFileSync(f, JSON.stringify({ ...blocking, ...extra }));
  return f;
}
/** The table's last columns: drained, in flight, lost, dup. */
const tail = (stdout: string): string[] => stdout.split('\n')[2].trim().split(/\s{2,}/).slice(-4);

describe('how a run ends', () => {
  it('drain_s 0 (blocking.json, on purpose): the table says so in words, no "lost 0", exit 0', async () => {
    const r = await runCaptured(['simulate', 'examples/queues/blocking.json', '--no-report', '--out', join(dir, 'b0')]);
    expect(r.code).toBe(0);
    const [drained, inFlight, lost] = tail(r.stdout);
    expect([drained, lost]).toEqual(['no: drain_s 0', '–']);
    const summary = JSON.parse(readFileSync(join(dir, 'b0', 'summary.json'), 'utf8'));
    expect(Number(inFlight)).toBe(summary.records.in_flight);
    const at = summary.records.in_flight_at;
    expect(at.external_queue + at.buffers + at.functions).toBe(summary.records.in_flight);
    expect(r.stdout).toContain(
      `backpressure: did not drain: ${summary.records.in_flight.toLocaleString('en-US')} of ${summary.records.arrived.toLocaleString('en-US')} records still in flight`,
    );
    expect(r.stdout).toContain('(drain_s 0)');
    expect(r.stderr).toBe('');
  });

  it('a drain that runs out: exit 3, NO in the table, where the records are on stderr', async () => {
    const r = await runCaptured(['simulate', scenario('short-drain', { drain_s: 1 }), '--no-report', '--out', join(dir, 'b1')]);
    expect(r.code).toBe(3);
    expect(tail(r.stdout)[0]).toBe('NO');
    expect(tail(r.stdout)[2]).toBe('–');
    expect(r.stderr).toMatch(
      /^spillway: RUN DID NOT DRAIN: backpressure: did not drain: [\d,]+ of [\d,]+ records still in flight at 101 s \(external queue [\d,]+, buffers [\d,]+, functions 0\); drain_s 1 s was not enough/,
    );
  });

  it('over the event budget: one line naming the scenario and max_events, exit 2, nothing written', async () => {
    const f = scenario('budget', { max_events: 10_000 });
    const r = await runCaptured(['simulate', f, '--no-report', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^spillway: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: max_events: the run used up its budget of 10000 events at \\d+\\.\\d s of 100 s simulated; .*\\n$`));
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
