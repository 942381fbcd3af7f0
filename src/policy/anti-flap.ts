/**
 * The anti-flap rule between a policy's target share and the share it sends.
 *
 * - Hysteresis: offloading starts when the target reaches `onShare`, and stops only when the share has come
 *   down to `offShare` or below.
 * - Up at once, down slowly: a target above the share + `deadband` is taken immediately (records wait while the
 *   share is too low); a target below the share − `deadband` lowers it by at most `maxStepDown` per decision,
 *   and not before `minDwellMs` after the last rise or switch-on (the minimum dwell). A target at or below
 *   `offShare` always counts as lower, so a share left inside the deadband above it still reaches 0.
 *
 * Why it cannot cycle on a constant overload: the feed-forward target does not depend on the share sent (it is
 * sized from arrival and capacity, which the share does not change), so after the estimates settle it stays
 * within its noise of a fixed value s*. From then on a rise sets the share to the target and a fall stops at the
 * target, so the share moves monotonically towards s* and stops; with the target's noise inside the deadband it
 * never moves again. No sequence of decisions can take it past s* and back.
 */
export interface AntiFlapSettings {
  onShare: number;
  offShare: number;
  deadband: number;
  maxStepDown: number;
  minDwellMs: number;
}

export class ShareGovernor {
  private share = 0;
  private on = false;
  private lastRiseMs = -Infinity;

  constructor(private readonly s: AntiFlapSettings) {}

  get current(): number {
    return this.share;
  }

  get isOn(): boolean {
    return this.on;
  }

  /** The share to send at `tMs` for this target (a finite share in [0, 1]). */
  next(target: number, tMs: number): number {
    const s = this.s;
    if (!this.on) {
      if (target >= s.onShare) {
        this.on = true;
        this.share = target;
        this.lastRiseMs = tMs;
      }
      return this.share;
    }
    if (target > this.share + s.deadband) {
      this.share = target;
      this.lastRiseMs = tMs;
    } else if ((target < this.share - s.deadband || target <= s.offShare) && target < this.share && tMs - this.lastRiseMs >= s.minDwellMs) {
      this.share = Math.max(target, this.share - s.maxStepDown);
    }
    if (this.share <= s.offShare) {
      this.on = false;
      this.share = 0;
    }
    return this.share;
  }
}
