package io.spillway.flink;

/**
 * One result per input line: the line's token count plus how it was processed. Offload batches attach their
 * invocation statistics to their first result so the sink can total them (works on a remote cluster too).
 */
public class Result {
  public static final byte LOCAL = 0;
  public static final byte OFFLOADED = 1;
  public static final byte FALLBACK = 2;

  public long seq;
  public long t;
  public int tokenCount;
  public int expectedTokens;
  public byte path;
  // batch statistics (non-zero only on the first result of an offload batch)
  public int invocations;
  public int coldStarts;
  public int throttles;
  public int errors;
  public int fallbackBatches;
  /** Function-reported duration rounded up to ms (billed duration), and init ms on a cold start. */
  public long billedMs;
  public long initMs;
  /** Offload path: the offload subtask that emitted it (-1: the local tokenizer) and its batch's arrival number there. */
  public int lane = -1;
  public long laneBatch;

  public Result() {}

  /** Marks a result of the offload path: its subtask and batch arrival number (the sink's ordered-merge check). */
  public Result from(int lane, long batch) {
    this.lane = lane;
    this.laneBatch = batch;
    return this;
  }

  public static Result of(Line l, int tokens, byte path) {
    Result r = new Result();
    r.seq = l.seq;
    r.t = l.t;
    r.expectedTokens = l.expectedTokens;
    r.tokenCount = tokens;
    r.path = path;
    return r;
  }
}
