/**
 * Offload spending over a sliding window, from the snapshots' cumulative costUsd and offloadedRecords.
 * Counters count from the run's start (tMs = 0), so the window starts from an implicit zero sample until
 * the run is older than the window.
 */
interface Sample {
  tMs: number;
  costUsd: number;
  records: number;
}

export interface Spend {
  /** Average spend over the window, dollars per hour (0 when no time has passed). */
  usdPerHour: number;
  /** Dollars per offloaded record over the window (NaN when no record was offloaded in it). */
  usdPerRecord: number;
}

export class SpendWindow {
  private samples: Sample[] = [{ tMs: 0, costUsd: 0, records: 0 }];

  constructor(private readonly windowMs: number) {}

  add(tMs: number, costUsd: number, records: number): Spend {
    const last = this.samples[this.samples.length - 1];
    if (tMs > last.tMs) this.samples.push({ tMs, costUsd, records });
    // Keep the newest sample at or before the window's start: it is the window's base.
    const start = tMs - this.windowMs;
    while (this.samples.length > 2 && this.samples[1].tMs <= start) this.samples.shift();
    const base = this.samples[0];
    const hours = (tMs - base.tMs) / 3_600_000;
    const spent = costUsd - base.costUsd;
    const offloaded = records - base.records;
    return {
      usdPerHour: hours > 0 ? spent / hours : 0,
      usdPerRecord: offloaded > 0 ? spent / offloaded : NaN,
    };
  }
}
