package io.spillway.flink.source;

/** A record as the source reads it from the queue: raw text, not parsed yet (Flink POJO). */
public class RawEvent {
  public long seq;
  /** Intended arrival, epoch ms. */
  public long t;
  /** Event time (the queue record's timestamp), ms from the trace's t = 0. */
  public long timeMs;
  public String text;

  public RawEvent() {}

  public RawEvent(long seq, long t, long timeMs, String text) {
    this.seq = seq;
    this.t = t;
    this.timeMs = timeMs;
    this.text = text;
  }
}
