/**
 * The cluster's bill: TaskManagers are billed for their lifetimes, each rounded up to the billing granularity
 * and at least the minimum (EC2: per second, 60 s minimum), plus the always-on part (JobManager) per hour.
 * A rescale ends the lifetimes of the TaskManagers no longer needed and starts new ones.
 */
import type { ClusterModel } from './model.js';

/** TaskManagers for a job whose widest vertex has `slots` subtasks (one slot-sharing group: slots = max parallelism). */
export function taskManagersFor(slots: number, model: ClusterModel): number {
  return Math.max(1, Math.ceil(slots / model.taskmanager.slots));
}

/** Seconds billed for one lifetime of `seconds`. */
export function billedSeconds(seconds: number, billing: ClusterModel['billing']): number {
  const rounded = Math.ceil(seconds / billing.granularity_s - 1e-9) * billing.granularity_s;
  return Math.max(billing.min_billed_s, rounded);
}

export interface ClusterCost {
  usd: number;
  /** TaskManager-hours billed (after rounding). */
  taskmanager_hours: number;
  /** TaskManagers at the end. */
  taskmanagers: number;
}

export class ClusterBill {
  /** Start times (ms) of the TaskManagers alive now. */
  private alive: number[] = [];
  private billedS = 0;

  constructor(
    private readonly model: ClusterModel,
    taskManagers: number,
  ) {
    for (let i = 0; i < taskManagers; i++) this.alive.push(0);
  }

  get taskManagers(): number {
    return this.alive.length;
  }

  /** From `tMs` on, `n` TaskManagers: the newest are released first, new ones start at `tMs`. */
  resize(tMs: number, n: number): void {
    while (this.alive.length > n) this.billedS += billedSeconds((tMs - this.alive.pop()!) / 1000, this.model.billing);
    while (this.alive.length < n) this.alive.push(tMs);
  }

  /** The bill for a run that ends at `endMs` (every TaskManager alive then is released). */
  cost(endMs: number): ClusterCost {
    let s = this.billedS;
    for (const start of this.alive) s += billedSeconds((endMs - start) / 1000, this.model.billing);
    const tmUsd = (s / 3600) * this.model.taskmanager.usd_per_hour;
    const fixedUsd = (endMs / 3_600_000) * this.model.fixed_usd_per_hour;
    return { usd: tmUsd + fixedUsd, taskmanager_hours: s / 3600, taskmanagers: this.alive.length };
  }
}
