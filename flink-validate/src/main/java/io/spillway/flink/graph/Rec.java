package io.spillway.flink.graph;

/**
 * The one record type of a scenario-built job: every vertex kind takes and emits {@code Rec}s, so any kind can follow
 * any other. Three kinds travel: DATA (a record derived from source record {@code seq}), WINDOW (a window result for
 * {@code (windowStart, key)} with its {@code count}) and LEDGER (records a vertex consumed without emitting, listed
 * as {@code (seq, weight)} pairs so the sink can account for every source record).
 *
 * <p>Accounting by weight: a source record starts with weight {@link #UNIT}; a flatMap splits its weight exactly
 * over its outputs; a filter or window that consumes a record moves its weight into a ledger. At the sink the
 * weights of each seq must add up to exactly {@link #UNIT}: less is loss, more is duplication.
 */
public class Rec {
  public static final byte DATA = 0;
  public static final byte WINDOW = 1;
  public static final byte LEDGER = 2;
  /** Weight of one source record; 2^40 lets a record fan out into ~10^12 parts before weights hit 0. */
  public static final long UNIT = 1L << 40;

  public byte kind;
  public long seq;
  /** Intended arrival (epoch ms) of the source record: latency is measured from it. */
  public long t;
  /**
   * Event time: the source record's intended arrival from the trace's start, ms (the same in every run, where t0
   * moves), the time windows use. The Flink timestamp and watermarks are on it too.
   */
  public long et;
  public long key;
  public long weight;
  /** Offspring index within the source record (flatMap outputs get distinct parts), for deterministic draws. */
  public long part;
  // WINDOW
  public long windowStart;
  public long windowEnd;
  public long count;
  /** A sum window's result: {@code sum} (of its records' {@link #value}) is its value; else {@code count} is. */
  public boolean summed;
  public long sum;
  /** How the window's records were aggregated: records merged locally, from partials, in fallbacks. */
  public long localRecords;
  /** A WINDOW result's first record: its seq is in {@code seq}, its intended arrival here (for the run's t0). */
  public long originT;
  public long offloadedRecords;
  // LEDGER (WINDOW results carry the ledger of their records too)
  public long[] ledgerSeqs;
  public long[] ledgerWeights;
  // offload statistics of a vertex, on the LEDGER record it sends at the end of its input
  public long batches, invocations, coldStarts, throttles, errors, fallbackBatches, fallbackRecords, billedMs;

  public Rec() {}

  /**
   * The value a sum window adds for a record derived from source record {@code seq}: 1 + seq mod 100 (a flatMap's
   * outputs share their source record's). A function of seq alone, so a local-only and an offloading run sum the same
   * values, and the sink can recompute a result's sum from its ledger.
   */
  public static long value(long seq) { return 1 + Math.floorMod(seq, 100L); }

  public static Rec data(long seq, long t, long et, long key, long weight, long part) {
    Rec r = new Rec();
    r.et = et;
    r.kind = DATA;
    r.seq = seq;
    r.t = t;
    r.key = key;
    r.weight = weight;
    r.part = part;
    return r;
  }

  public static Rec ledger(long[] seqs, long[] weights) {
    Rec r = new Rec();
    r.kind = LEDGER;
    r.ledgerSeqs = seqs;
    r.ledgerWeights = weights;
    return r;
  }

  @Override
  public String toString() {
    return kind == WINDOW ? "Window{" + windowStart + "," + key + "," + count + (summed ? ",sum=" + sum : "") + "}" : "Rec{" + kind + "," + seq + "," + key + "}";
  }
}
