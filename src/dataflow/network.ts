/**
 * Flink's network stack at buffer granularity, per subtask: output subpartitions with a shared buffer pool,
 * and input channels with exclusive buffers plus a gate-wide pool of floating buffers, connected by
 * credit-based flow control. A sender ships a finished buffer only against a credit (a free buffer the
 * receiver announced); a receiver returns credit when it has consumed a buffer, and lends floating buffers
 * to channels whose sender announced a backlog.
 */
import type { NetBuffer } from './runs.js';

/** A FIFO of buffers with an amortised O(1) dequeue (a head index, compacted now and then). */
class BufferFifo {
  private readonly queue: NetBuffer[] = [];
  private qHead = 0;

  get queued(): number {
    return this.queue.length - this.qHead;
  }

  enqueue(b: NetBuffer): void {
    this.queue.push(b);
  }

  forEachQueued(f: (b: NetBuffer) => void): void {
    for (let i = this.qHead; i < this.queue.length; i++) f(this.queue[i]);
  }

  dequeue(): NetBuffer {
    const b = this.queue[this.qHead++];
    if (this.qHead > 64 && this.qHead * 2 > this.queue.length) {
      this.queue.splice(0, this.qHead);
      this.qHead = 0;
    }
    return b;
  }
}

/**
 * One outgoing channel of a subtask (Flink's ResultSubpartition); its FIFO holds finished buffers waiting for credit.
 *
 * A local channel (receiver in the same TaskManager, Flink's LocalInputChannel) has no receiver buffers: the
 * consumer reads the producer's buffer in place, one at a time, so a sent buffer stays in the producer's pool
 * (`lent`) until the consumer recycles it, which the credit of 1 it returns signals.
 */
export class Subpartition extends BufferFifo {
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

/** A subtask's output pool for one output edge (Flink's LocalBufferPool of a ResultPartition). */
export class OutputPool {
  free: number;
  constructor(readonly size: number) {
    this.free = size;
  }
}

/** One incoming channel of a subtask (Flink's RemoteInputChannel); its FIFO holds buffers waiting to be consumed. */
export class InputChannel extends BufferFifo {
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

export class InputGate {
  floatingFree: number;
  readonly waiting: number[] = [];
  constructor(readonly floating: number) {
    this.floatingFree = floating;
  }
}

/** Credits travel in one number: subpartition index × CREDIT_RADIX + credits. */
export const CREDIT_RADIX = 1 << 16;
