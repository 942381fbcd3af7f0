/** Shared helpers of the benchmarks: the project root, a process's peak RSS, and the figure format. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest directory above this file holding package.json (works from dist/bench too). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Peak resident set size of this process so far, MB (getrusage's maxrss). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** One measurement of one benchmark (one child process): its figures and its cost. */
export interface Measurement {
  /** Wall time of the measured part, s. */
  wallS: number;
  /** CPU time (user + system, all threads) of the measured part, s: steadier than wall time on a loaded machine. */
  cpuS: number;
  /** Peak RSS of the measuring process, MB. */
  peakRssMb: number;
  /** RSS when the measured part ended (process.memoryUsage().rss), MB. */
  rssMb: number;
  /** The benchmark's own figures (events/s, records/s, ...). */
  figures: Record<string, number>;
  /** Facts about the run (counts, settings) that should not vary between repetitions. */
  facts?: Record<string, number | string>;
}

/** A measurement of this process: its times, memory now and at peak, figures and facts. */
export function measured(wallS: number, cpuS: number, figures: Record<string, number>, facts?: Record<string, number | string>): Measurement {
  return { wallS, cpuS, peakRssMb: peakRssMb(), rssMb: rssMb(), figures, facts };
}

export function rssMb(): number {
  return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Start a measurement: call the returned function at its end for [wall s, CPU s]. */
export function stopwatch(): () => [number, number] {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
  };
}
