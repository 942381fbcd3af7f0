/**
 * A PI controller with output clamping and anti-windup by conditional integration: the integral does not
 * grow while the output is saturated in the direction the error pushes, so leaving saturation is immediate
 * instead of waiting for a wound-up integral to unwind.
 */
import { clamp } from './load.js';

export class PiController {
  private integral = 0;

  constructor(
    private readonly kp: number,
    private readonly ki: number,
    private readonly outMin: number,
    private readonly outMax: number,
  ) {}

  /** One step: `error` in the controller's units, `dtS` seconds since the previous step. */
  step(error: number, dtS: number): number {
    const candidate = this.integral + error * dtS;
    const unclamped = this.kp * error + this.ki * candidate;
    const pushingPastMax = unclamped > this.outMax && error > 0;
    const pushingPastMin = unclamped < this.outMin && error < 0;
    if (!pushingPastMax && !pushingPastMin) this.integral = candidate;
    return clamp(this.kp * error + this.ki * this.integral, this.outMin, this.outMax);
  }

  get integralState(): number {
    return this.integral;
  }
}
