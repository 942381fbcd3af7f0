/**
 * Holt's linear (double exponential) smoothing: a level and a trend, each an exponentially weighted mean.
 *   level_t = α·y_t + (1−α)·(level_{t−1} + trend_{t−1})
 *   trend_t = β·(level_t − level_{t−1}) + (1−β)·trend_{t−1}
 * The first observation sets the level with zero trend. Forecast h steps ahead: level + h·trend.
 */
export class HoltSmoother {
  private lvl = NaN;
  private trnd = 0;

  constructor(
    private readonly alpha: number,
    private readonly beta: number,
  ) {}

  update(y: number): void {
    if (Number.isNaN(this.lvl)) {
      this.lvl = y;
      this.trnd = 0;
      return;
    }
    const previous = this.lvl;
    this.lvl = this.alpha * y + (1 - this.alpha) * (this.lvl + this.trnd);
    this.trnd = this.beta * (this.lvl - previous) + (1 - this.beta) * this.trnd;
  }

  /** NaN until the first observation. */
  forecast(steps: number): number {
    return this.lvl + steps * this.trnd;
  }

  get level(): number {
    return this.lvl;
  }

  get trend(): number {
    return this.trnd;
  }
}
