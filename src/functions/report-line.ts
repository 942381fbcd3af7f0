/** Parse Lambda's `REPORT RequestId: ...` log line (from the X-Amz-Log-Result tail) into numbers. */

export interface ReportNumbers {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Only present (non-null) on a cold start. */
  initMs: number | null;
}

function field(line: string, name: string): number | null {
  // Fields are tab-separated; the tab also keeps "Duration" from matching inside "Billed Duration".
  const m = new RegExp(`\\t${name}: ([0-9.]+) (?:ms|MB)`).exec(line);
  return m ? Number(m[1]) : null;
}

/** The last REPORT line in a log tail (base64-decoded text), or undefined if there is none. */
export function parseReport(logText: string): ReportNumbers | undefined {
  const line = logText
    .split('\n')
    .filter((l) => l.startsWith('REPORT RequestId: '))
    .at(-1);
  if (!line) return undefined;
  const duration = field(line, 'Duration');
  const billed = field(line, 'Billed Duration');
  if (duration === null || billed === null) return undefined;
  return {
    requestId: /REPORT RequestId: (\S+)/.exec(line)?.[1] ?? '',
    durationMs: duration,
    billedMs: billed,
    memoryMb: field(line, 'Memory Size') ?? 0,
    maxMemoryUsedMb: field(line, 'Max Memory Used') ?? 0,
    initMs: field(line, 'Init Duration'),
  };
}

export function decodeLogResult(logResult: string | undefined): string {
  return logResult ? Buffer.from(logResult, 'base64').toString('utf8') : '';
}
