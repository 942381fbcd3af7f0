import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration } from '../../src/experiment/sweep/progress.js';

function fakeStream() {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY: false, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('progress', () => {
  it('plain lines when not a TTY: start, throttled updates with an ETA from this session, and the last', () => {
    let t = 0;
    const { chunks, stream } = fakeStream();
    const p = createProgress({ label: 'sweep x', stream, intervalMs: 5000, now: () => t });
    p.start(10, 4);
    t = 2000;
    p.tick(); // 5/10, within the interval: silent
    t = 6000;
    p.tick(); // 6/10: 2 runs in 6 s → 3 s each, 4 left → 12 s
    t = 7000;
    p.tick(true);
    for (let i = 0; i < 3; i++) p.tick();
    p.stop();
    expect(chunks.join('')).toBe(
      'sweep x: 10 runs, 4 already recorded (resuming)\n' +
        'sweep x: 6/10 runs (60%), ETA 12s\n' +
        'sweep x: 10/10 runs (100%), 1 failed, took 7s\n',
    );
  });

  it('formats durations', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(3700)).toBe('1h 01m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});
