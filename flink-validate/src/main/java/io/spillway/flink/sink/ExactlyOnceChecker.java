package io.spillway.flink.sink;

import java.io.Serializable;
import java.util.BitSet;

/** Checks that every sequence number in [0, expected) arrives exactly once. */
public final class ExactlyOnceChecker implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long expected;
  private final BitSet seen;
  private long received;
  private long duplicates;
  private long outOfRange;

  public ExactlyOnceChecker(long expected) {
    if (expected < 0 || expected > Integer.MAX_VALUE) throw new IllegalArgumentException("expected out of range: " + expected);
    this.expected = expected;
    this.seen = new BitSet((int) expected);
  }

  /** Returns true when seq is new and in range. */
  public boolean accept(long seq) {
    received++;
    if (seq < 0 || seq >= expected) {
      outOfRange++;
      return false;
    }
    int i = (int) seq;
    if (seen.get(i)) {
      duplicates++;
      return false;
    }
    seen.set(i);
    return true;
  }

  public long expected() { return expected; }
  public long received() { return received; }
  public long distinct() { return seen.cardinality(); }
  public long lost() { return expected - seen.cardinality(); }
  public long duplicates() { return duplicates; }
  public long outOfRange() { return outOfRange; }
  public boolean ok() { return lost() == 0 && duplicates == 0 && outOfRange == 0; }

  /** First missing seq, or -1. */
  public long firstMissing() {
    int i = seen.nextClearBit(0);
    return i < expected ? i : -1;
  }
}
