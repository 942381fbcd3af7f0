/**
 * A subtask's input side (Flink's input gates with their input channels): buffers arriving on channels,
 * exclusive buffers returned as credit when consumed, floating buffers lent by the gate to channels whose
 * sender announced a backlog, and the queue of channels with data in arrival order (Flink's
 * inputChannelsWithData). The subtask reads one buffer at a time from here: `next()` makes the next channel's
 * next buffer current, `release()` recycles it once consumed.
 */
import type { EventCalendar } from '../engine/calendar.js';
import { EV_CREDIT } from './events.js';
import { CREDIT_RADIX, InputChannel, InputGate } from './network.js';
import type { BufferPool, NetBuffer } from './runs.js';

export class SubtaskInput {
  readonly channels: InputChannel[] = [];
  readonly gates: InputGate[] = [];
  /** Buffer being consumed, and its channel (-1 when none). */
  current: NetBuffer | null = null;
  currentChannel = -1;
  /**
   * Channels with data, in arrival order: a ring over a typed array (each channel is in it at most once,
   * by its inAvailable flag, so the ring never holds more than the channel count; sized once wired). Not the
   * engine's Fifo: read once per buffer, it is the hot path's one queue, and a bounded typed ring never compacts.
   */
  private availRing = new Int32Array(0);
  private availHead = 0;
  private availCount = 0;

  /** A channel waiting for floating buffers gets its turn (grantWaiters' callback; made once, `grantAt` its time). */
  private grantAt = 0;
  private readonly grantFloating = (c: number): void => {
    this.channels[c].waitingFloating = false;
    this.lendFloating(c, this.grantAt);
  };

  constructor(
    private readonly calendar: EventCalendar,
    private readonly buffers: BufferPool,
  ) {}

  addGate(floating: number): number {
    this.gates.push(new InputGate(floating));
    return this.gates.length - 1;
  }

  addChannel(gate: number, exclusive: number, senderTarget: number, senderSubpartition: number, local: boolean, latencyMs: number): number {
    this.channels.push(new InputChannel(gate, exclusive, senderTarget, senderSubpartition, local, latencyMs));
    return this.channels.length - 1;
  }

  /** Input buffer usage, 0..1: buffers holding data over all exclusive and floating buffers. */
  usage(): number {
    let size = 0;
    let used = 0;
    for (const ch of this.channels) {
      size += ch.exclusive;
      used += ch.exclusive - ch.exclusiveFree + ch.usedFloating;
    }
    for (const g of this.gates) size += g.floating;
    return size > 0 ? used / size : 0;
  }

  /** A buffer arrived on its channel: queue it, note the sender's backlog, lend floating buffers against it. */
  receive(buf: NetBuffer, now: number): void {
    const ch = this.channels[buf.destChannel];
    ch.occupy();
    ch.backlog = buf.backlog;
    ch.push(buf);
    if (!ch.inAvailable && this.currentChannel !== buf.destChannel) {
      ch.inAvailable = true;
      this.pushAvailable(buf.destChannel);
    }
    this.lendFloating(buf.destChannel, now);
  }

  /** Make the next channel's next buffer current (an end-of-partition marks its channel ended); null if none. */
  next(): NetBuffer | null {
    if (this.availCount === 0) return null;
    const c = this.availRing[this.availHead];
    this.availHead = this.availHead + 1 === this.availRing.length ? 0 : this.availHead + 1;
    this.availCount--;
    const ch = this.channels[c];
    ch.inAvailable = false;
    const buf = ch.shift();
    this.current = buf;
    this.currentChannel = c;
    if (buf.endOfPartition) ch.ended = true;
    return buf;
  }

  /** The current buffer is consumed: apply its watermark to its channel, recycle it, requeue the channel if it has more. */
  release(now: number): void {
    const buf = this.current!;
    const c = this.currentChannel;
    const ch = this.channels[c];
    this.current = null;
    this.currentChannel = -1;
    if (buf.watermark > ch.watermark) ch.watermark = buf.watermark;
    if (buf.endOfPartition) ch.watermark = Infinity;
    this.recycle(c, now);
    this.buffers.release(buf);
    if (ch.length > 0 && !ch.inAvailable) {
      ch.inAvailable = true;
      this.pushAvailable(c);
    }
  }

  /** The smallest watermark over the channels (Infinity without channels). */
  minWatermark(): number {
    let wm = Infinity;
    for (const ch of this.channels) if (ch.watermark < wm) wm = ch.watermark;
    return wm;
  }

  /** Every channel has ended and nothing is left to read. */
  exhausted(): boolean {
    if (this.current) return false;
    for (const ch of this.channels) if (!ch.ended || ch.length > 0) return false;
    return true;
  }

  private pushAvailable(c: number): void {
    const ring = this.availRing;
    if (ring.length < this.channels.length) {
      // First use since wiring: size the ring to the channel count (it is empty here or holds fewer).
      const grown = new Int32Array(this.channels.length);
      for (let i = 0; i < this.availCount; i++) grown[i] = ring[(this.availHead + i) % ring.length];
      this.availRing = grown;
      this.availHead = 0;
    }
    const r = this.availRing;
    let tail = this.availHead + this.availCount;
    if (tail >= r.length) tail -= r.length;
    r[tail] = c;
    this.availCount++;
  }

  /** Lend floating buffers to a channel whose sender has more queued than the channel can take. */
  private lendFloating(c: number, now: number): void {
    const ch = this.channels[c];
    if (ch.local) return;
    const gate = this.gates[ch.gate];
    let want = ch.backlog - ch.available;
    let granted = 0;
    while (want > 0 && gate.pool.tryTake()) {
      ch.floatingHeld++;
      granted++;
      want--;
    }
    if (granted > 0) this.announce(ch, granted, now);
    if (want > 0 && !ch.waitingFloating) {
      ch.waitingFloating = true;
      gate.pool.wait(c);
    }
  }

  private announce(ch: InputChannel, credits: number, now: number): void {
    this.calendar.schedule(now + ch.latencyMs, ch.senderTarget, EV_CREDIT, ch.senderSubpartition * CREDIT_RADIX + credits);
  }

  /** A consumed buffer goes back: floating to the gate (and on to a waiting channel), exclusive as credit. */
  private recycle(c: number, now: number): void {
    const ch = this.channels[c];
    if (ch.usedFloating > 0) {
      ch.usedFloating--;
      const gate = this.gates[ch.gate];
      gate.pool.give();
      this.grantAt = now;
      gate.pool.grantWaiters(this.grantFloating);
    } else {
      ch.exclusiveFree++;
      this.announce(ch, 1, now);
    }
  }
}
