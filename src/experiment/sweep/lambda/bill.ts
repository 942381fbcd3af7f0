/**
 * The sweep's own Lambda bill: every invocation that ran (function errors included; throttled requests are not
 * billed) priced from its REPORT line (X-Amz-Log-Result tail: Billed Duration and Memory Size) with the billing
 * section of a platform model file. Without a REPORT line (a log tail denied by policy), the handler's own
 * duration rounded up to the model's granularity and the function's configured memory stand in.
 */
import { billedDurationMs, billedMemoryMb } from '../../../serverless/billing.js';
import type { BillingModel } from '../../../serverless/model.js';
import { decodeLogResult, parseReport } from '../../../functions/report-line.js';

export class LambdaBill {
  invocations = 0;
  billedMs = 0;
  gbSeconds = 0;
  usd = 0;
  /** Invocations priced from the handler's own duration (no REPORT line in the tail). */
  estimated = 0;

  constructor(
    private readonly billing: BillingModel,
    /** The model file the prices come from, named in the report line. */
    readonly source: string,
    private readonly configuredMemoryMb: number,
  ) {}

  /** Price one invocation from its base64 log tail, or from the handler's duration when the tail has no REPORT. */
  add(logResult: string | undefined, handlerMs: number | undefined): void {
    const report = parseReport(decodeLogResult(logResult));
    let billed: number;
    let memoryMb: number;
    if (report) {
      billed = report.billedMs;
      memoryMb = report.memoryMb || this.configuredMemoryMb;
    } else {
      billed = billedDurationMs(this.billing, handlerMs ?? 0);
      memoryMb = this.configuredMemoryMb;
      this.estimated++;
    }
    const gbS = (billed / 1000) * (billedMemoryMb(this.billing, memoryMb) / 1024);
    this.invocations++;
    this.billedMs += billed;
    this.gbSeconds += gbS;
    this.usd += this.billing.per_request_usd + gbS * this.billing.per_gb_s_usd;
  }

  line(): string {
    const b = this.billing;
    return (
      `lambda bill: ${this.invocations} invocations, ${(this.billedMs / 1000).toFixed(1)} s billed, ${this.gbSeconds.toFixed(2)} GB-s ` +
      `→ $${this.usd < 0.01 ? this.usd.toPrecision(3) : this.usd.toFixed(4)} (at $${b.per_gb_s_usd}/GB-s + $${b.per_request_usd}/request, ${this.source}` +
      `${this.estimated > 0 ? `; ${this.estimated} priced from the handler's duration: no REPORT line` : ''})`
    );
  }
}
