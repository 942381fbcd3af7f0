package io.spillway.flink.graph;

import java.util.Arrays;

/** A growable list of (seq, weight) pairs: the records a vertex consumed without emitting them. */
public final class Ledger {
  private long[] seqs = new long[64];
  private long[] weights = new long[64];
  private int n;

  public void add(long seq, long weight) {
    if (n == seqs.length) {
      seqs = Arrays.copyOf(seqs, n * 2);
      weights = Arrays.copyOf(weights, n * 2);
    }
    seqs[n] = seq;
    weights[n] = weight;
    n++;
  }

  public int size() { return n; }

  /** Moves the pairs into {@code r} (a LEDGER or WINDOW record) and empties this ledger. */
  public Rec drainInto(Rec r) {
    r.ledgerSeqs = Arrays.copyOf(seqs, n);
    r.ledgerWeights = Arrays.copyOf(weights, n);
    n = 0;
    return r;
  }
}
