/**
 * Sweep progress on stderr: a cli-progress bar (done/total, ETA) on a terminal, plain lines otherwise
 * (at most one every few seconds, plus the last), so logs and CI output stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` runs were already recorded (resumed); `total` counts them too. */
  start(total: number, done: number): void;
  tick(failed?: boolean): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, tick() {}, stop() {} };

/** `75` → `1m 15s`; `3700` → `1h 01m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressOptions {
  label: string;
  stream?: NodeJS.WriteStream;
  /** Force plain lines (true) or the bar (false); default: bar when the stream is a TTY. */
  plain?: boolean;
  /** Plain mode: minimum ms between lines. */
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const plain = options.plain ?? !stream.isTTY;
  const now = options.now ?? (() => Date.now());
  const interval = options.intervalMs ?? 5000;
  let total = 0;
  let done = 0;
  let resumed = 0;
  let failed = 0;
  let startedAt = 0;
  let lastLine = -Infinity;
  let bar: cliProgress.SingleBar | null = null;

  const eta = (): string => {
    const ranHere = done - resumed;
    if (ranHere <= 0) return '?';
    return formatDuration((((now() - startedAt) / ranHere) * (total - done)) / 1000);
  };
  const line = (): string =>
    `${options.label}: ${done}/${total} runs (${total > 0 ? Math.floor((100 * done) / total) : 100}%)` +
    `${failed > 0 ? `, ${failed} failed` : ''}${done < total ? `, ETA ${eta()}` : `, took ${formatDuration((now() - startedAt) / 1000)}`}`;

  return {
    start(t, d) {
      total = t;
      done = d;
      resumed = d;
      startedAt = now();
      if (plain) {
        stream.write(`${options.label}: ${total} runs${d > 0 ? `, ${d} already recorded${d < total ? ' (resuming)' : ', nothing to run'}` : ''}\n`);
        lastLine = now();
        return;
      }
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${options.label} |{bar}| {value}/{total} runs | {percentage}% | ETA {etaText}{failedText}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, done, { etaText: '?', failedText: '' });
    },
    tick(didFail = false) {
      done++;
      if (didFail) failed++;
      if (bar) bar.update(done, { etaText: eta(), failedText: failed > 0 ? ` | ${failed} failed` : '' });
      else if (plain && (done === total || now() - lastLine >= interval)) {
        stream.write(`${line()}\n`);
        lastLine = now();
      }
    },
    stop() {
      if (bar) {
        bar.stop();
        bar = null;
      }
    },
  };
}
