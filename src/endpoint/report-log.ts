/** The log lines Lambda writes around each invocation, and the base64 tail returned for X-Amz-Log-Type: Tail. */

export interface ReportFields {
  requestId: string;
  version: string;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Present on a cold start only, as on AWS. */
  initMs?: number;
}

/** Billed duration: handler time rounded up to the ms, plus init on a cold start when init is billed. */
export function billedMs(durationMs: number, initMs: number | undefined, billInit: boolean): number {
  return Math.max(1, Math.ceil(durationMs + (billInit && initMs !== undefined ? initMs : 0)));
}

/** `REPORT RequestId: ...` exactly as AWS prints it: tab-separated fields, Init Duration only when cold. */
export function reportLine(r: ReportFields): string {
  let line =
    `REPORT RequestId: ${r.requestId}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${r.billedMs} ms\t` +
    `Memory Size: ${r.memoryMb} MB\tMax Memory Used: ${r.maxMemoryUsedMb} MB\t`;
  if (r.initMs !== undefined) line += `Init Duration: ${r.initMs.toFixed(2)} ms\t`;
  return line;
}

export function invocationLog(r: ReportFields, functionLines: string[]): string {
  return [
    `START RequestId: ${r.requestId} Version: ${r.version}`,
    ...functionLines,
    `END RequestId: ${r.requestId}`,
    reportLine(r),
    '',
  ].join('\n');
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the log, as Lambda returns. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}
