/**
 * Flink's network stack at buffer granularity, per subtask: output subpartitions with a shared buffer pool,
 * and input channels with exclusive buffers plus a gate-wide pool of floating buffers, connected by
 * credit-based flow control. A sender ships a finished buffer only against a credit (a free buffer the
 * receiver announced); a receiver returns credit when it has consumed a buffer, and lends floating buffers
 * to channels whose sender announced a backlog.
 */
import { Capacity } from '../engine/capacity.js';
import { Fifo } from '../engine/fifo.js';
import type { NetBuffer } from './runs.js';

/**
 * One outgoing channel of a subtask (Flink's ResultSubpartition); its FIFO holds finished buffers waiting for credit.
 *
 * A local channel (receiver in the same TaskManager, Flink's LocalInputChannel) has no receiver buffers: the
 * consumer reads the producer's buffer in place, one at a time, so a sent buffer stays in the producer's pool
 * (`lent`) until the consumer recycles it, which the credit of 1 it returns signals.
 */
export class Subpartition extends Fifo<NetBuffer> {
  /** Buffer being filled, or null. */
  current: NetBuffer | null = null;
  /** Buffers of the pool this subpartition holds (current + queued + lent to a local consumer). */
  held = 0;
  /** Credits announced by the receiver and not yet used. */
  credit: number;
  /** Local channel: buffers sent and still being read by the consumer (they count in `held`). */
  lent = 0;
  /**
   * A flush (buffer timeout) asked for the partly filled current buffer: it ships once the buffers queued ahead
   * of it have gone and there is credit; until then it keeps filling (Flink's flushRequested).
   */
  flushRequested = false;
  /** Watermark last sent on this channel. */
  sentWatermark = -Infinity;

  constructor(
    readonly edge: number,
    /** Receiving subtask's handler id and its channel index there. */
    readonly destTarget: number,
    readonly destChannel: number,
    initialCredit: number,
    readonly local: boolean,
    /** One-way latency of a buffer to the receiver, ms (0 for a local channel). */
    readonly latencyMs: number,
  ) {
    super();
    this.credit = initialCredit;
  }
}

/**
 * A subtask's output pool for one output edge (Flink's LocalBufferPool of a ResultPartition): a Capacity of buffers.
 * It has no waiters of its own: the subtask that finds no buffer blocks as a whole (its emission stops at one
 * subpartition, for want of a pool buffer or of room under the per-subpartition maximum) and retries at any send.
 */
export type OutputPool = Capacity;

/** One incoming channel of a subtask (Flink's RemoteInputChannel); its FIFO holds buffers waiting to be consumed. */
export class InputChannel extends Fifo<NetBuffer> {
  exclusiveFree: number;
  /** Floating buffers lent to this channel and still empty. */
  floatingHeld = 0;
  /** Floating buffers holding data. */
  usedFloating = 0;
  /** Sender's last announced backlog. */
  backlog = 0;
  /** In the subtask's queue of channels with data. */
  inAvailable = false;
  /** Waiting for a floating buffer from the gate. */
  waitingFloating = false;
  ended = false;
  watermark = -Infinity;

  constructor(
    readonly gate: number,
    readonly exclusive: number,
    /** Sender's handler id and the index of the matching subpartition there (for credit announcements). */
    readonly senderTarget: number,
    readonly senderSubpartition: number,
    /** Same TaskManager as the sender: reads the sender's buffers in place, never borrows floating buffers. */
    readonly local: boolean,
    /** One-way latency of a credit announcement to the sender, ms. */
    readonly latencyMs: number,
  ) {
    super();
    this.exclusiveFree = exclusive;
  }

  /** A buffer arrived: it occupies a floating buffer if one is lent, else an exclusive one. */
  occupy(): void {
    if (this.floatingHeld > 0) {
      this.floatingHeld--;
      this.usedFloating++;
    } else {
      this.exclusiveFree--;
    }
  }

  /** Empty buffers reserved for this channel: what the sender may still send. */
  get available(): number {
    return this.exclusiveFree + this.floatingHeld;
  }
}

/** An input gate's floating buffers: lent to channels (by index) whose sender has a backlog; channels wait in turn. */
export class InputGate {
  readonly pool: Capacity<number>;
  constructor(readonly floating: number) {
    this.pool = new Capacity<number>(floating);
  }
}

/** Credits travel in one number: subpartition index × CREDIT_RADIX + credits. */
export const CREDIT_RADIX = 1 << 16;
