/**
 * Account-level concurrency shared by the functions of one account and Region (Lambda's "concurrent executions",
 * 1,000 by default). A function with reserved concurrency takes its reservation out of the pool and is capped at it;
 * the others share what is left (the unreserved pool). Provisioned environments of an unreserved function hold
 * their share of the unreserved pool all the time, busy or not.
 */
import { UserError } from '../util/errors.js';

export class AccountConcurrency {
  /** Sum of the reservations of the functions registered so far. */
  reservedTotal = 0;
  /** Concurrency in use by unreserved functions (their provisioned environments + on-demand executions). */
  unreservedInUse = 0;

  /** `limit` null means no account-wide limit (Azure Consumption scales by instances instead). */
  constructor(readonly limit: number | null) {}

  /** Take a reservation out of the pool (called by a function with reserved concurrency). */
  reserve(n: number, who: string): void {
    if (this.limit !== null && this.reservedTotal + n > this.limit) {
      throw new UserError(`${who}: reserved concurrency ${n} does not fit the account limit ${this.limit} (already reserved: ${this.reservedTotal})`);
    }
    this.reservedTotal += n;
  }

  /** Whether an unreserved function may start one more execution. */
  unreservedHasRoom(): boolean {
    return this.limit === null || this.unreservedInUse < this.limit - this.reservedTotal;
  }
}
