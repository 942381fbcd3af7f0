package io.spillway.flink.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A keyed tumbling count or sum window's state, free of Flink (unit-tested alone). Records and partial aggregates
 * merge into one count (and, for a sum window, one sum of {@link Rec#value}) per (window, key), with the ledger of
 * the records inside. A window fires when the watermark has
 * passed its end and none of its records is still out (in an open batch, at the function, or waiting for a
 * fallback); windows fire in order, so a held window holds the later ones too and per key results leave in window
 * order.
 */
public final class WindowState {
  private final long sizeMs;
  private final boolean sum;
  private final TreeMap<Long, Map<Long, Agg>> windows = new TreeMap<>();
  private final TreeMap<Long, Integer> outstanding = new TreeMap<>();
  private long firedBefore = Long.MIN_VALUE;
  private long late;

  static final class Agg {
    long count, sum, local, offloaded;
    long firstSeq = -1, firstT;

    void first(Rec r) {
      if (firstSeq < 0) {
        firstSeq = r.seq;
        firstT = r.t;
      }
    }
    final Ledger ledger = new Ledger();
  }

  public WindowState(long sizeMs) { this(sizeMs, false); }

  /** {@code sum}: the window sums its records' values (its results carry the sum as their value). */
  public WindowState(long sizeMs, boolean sum) {
    this.sizeMs = sizeMs;
    this.sum = sum;
  }

  public boolean sums() { return sum; }

  /** Start of the tumbling window holding {@code t} (floors negative times, as Flink's TimeWindow). */
  public static long start(long t, long sizeMs) { return t - Math.floorMod(t, sizeMs); }

  public long startOf(long t) { return start(t, sizeMs); }

  /** A record merged here (locally or as a fallback). */
  public void addLocal(Rec r) {
    Agg a = agg(startOf(r.et), r.key);
    a.count++;
    if (sum) a.sum += Rec.value(r.seq);
    a.local++;
    a.ledger.add(r.seq, r.weight);
    a.first(r);
  }

  /** A partial aggregate from the function (its count, and its sum for a sum window), with the ledger of its records. */
  public void addPartial(long windowStart, long key, long count, long partialSum, List<Rec> records) {
    Agg a = agg(windowStart, key);
    a.count += count;
    if (sum) a.sum += partialSum;
    a.offloaded += count;
    for (Rec r : records) {
      a.ledger.add(r.seq, r.weight);
      a.first(r);
    }
  }

  private Agg agg(long ws, long key) {
    if (ws < firedBefore) late++; // its window already fired: a second result for the pair (the digest shows it)
    return windows.computeIfAbsent(ws, k -> new HashMap<>()).computeIfAbsent(key, k -> new Agg());
  }

  /** A record left for the function (+1) or came back (-1, after its partial or fallback merged). */
  public void outstanding(long windowStart, int delta) {
    int n = outstanding.getOrDefault(windowStart, 0) + delta;
    if (n == 0) outstanding.remove(windowStart);
    else outstanding.put(windowStart, n);
  }

  public boolean anyOutstanding() { return !outstanding.isEmpty(); }

  /** Results of every window that may fire at watermark {@code wm}, in window order (keys ascending). */
  public List<Rec> fire(long wm) {
    List<Rec> out = new ArrayList<>();
    while (!windows.isEmpty()) {
      long ws = windows.firstKey();
      long end = ws + sizeMs;
      if (end - 1 > wm || (!outstanding.isEmpty() && outstanding.firstKey() <= ws)) break;
      for (Map.Entry<Long, Agg> e : new TreeMap<>(windows.remove(ws)).entrySet()) out.add(result(ws, end, e.getKey(), e.getValue()));
      firedBefore = Math.max(firedBefore, end);
    }
    return out;
  }

  /** Watermark this operator may pass on: below the first window it still holds. */
  public long heldWatermark(long wm) {
    long held = Long.MAX_VALUE;
    if (!windows.isEmpty()) held = windows.firstKey() - 1;
    if (!outstanding.isEmpty()) held = Math.min(held, outstanding.firstKey() - 1);
    return Math.min(wm, held);
  }

  private Rec result(long ws, long end, long key, Agg a) {
    Rec r = new Rec();
    r.kind = Rec.WINDOW;
    r.windowStart = ws;
    r.windowEnd = end;
    r.key = key;
    r.t = end - 1;
    r.et = end - 1;
    r.count = a.count;
    r.summed = sum;
    r.sum = a.sum;
    r.localRecords = a.local;
    r.offloadedRecords = a.offloaded;
    r.seq = a.firstSeq;
    r.originT = a.firstT;
    return a.ledger.drainInto(r);
  }

  public long late() { return late; }
}
