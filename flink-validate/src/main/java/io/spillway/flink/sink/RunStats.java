package io.spillway.flink.sink;

import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Everything the tokenizer job's sink measures: the exactly-once check, tokens, offload statistics, and (through
 * {@link Emissions}) latency (ms, now - intended arrival) and the per-second series; writes summary.json,
 * timeseries.csv, latency.hlog and latency_percentiles.txt.
 */
public final class RunStats implements StatsSink.Stats<Result>, Serializable {
  private static final long serialVersionUID = 1L;
  private final Trace trace;
  private final ExactlyOnceChecker checker;
  private final Emissions out;
  private long offloaded, fallback, local, tokens, tokenMismatches, laneOrderViolations;
  /** Per offload subtask: the highest batch arrival number whose results have left (the ordered-merge check). */
  private final Map<Integer, Long> laneHigh = new HashMap<>();
  private final OffloadTotals offload = new OffloadTotals();

  public RunStats(Trace trace) {
    this.trace = trace;
    this.checker = new ExactlyOnceChecker(trace.total());
    this.out = new Emissions(trace);
  }

  public void record(Result r, long nowMs) {
    boolean fresh = checker.accept(r.seq);
    offload.add(r.invocations, r.coldStarts, r.throttles, r.errors, r.fallbackBatches, r.billedMs, r.initMs);
    if (!fresh) return;
    out.t0(r.t - trace.offsetMs(r.seq));
    tokens += r.tokenCount;
    if (r.tokenCount != r.expectedTokens) tokenMismatches++;
    if (r.path == Result.OFFLOADED) offloaded++;
    else if (r.path == Result.FALLBACK) fallback++;
    else local++;
    if (r.lane >= 0) laneOrder(r);
    out.emit(nowMs, nowMs - r.t, r.path == Result.OFFLOADED, r.path == Result.FALLBACK);
  }

  /** A result of an offload subtask whose batch came in before one already out: out of that subtask's input order. */
  private void laneOrder(Result r) {
    Long high = laneHigh.get(r.lane);
    if (high != null && r.laneBatch < high) laneOrderViolations++;
    else laneHigh.put(r.lane, r.laneBatch);
  }

  /** Offloaded results that left after a result of a later batch of the same offload subtask (0 with mode ordered). */
  public long laneOrderViolations() { return laneOrderViolations; }

  /** The whole ledger as bytes, for the sink's writer state (LedgerState). */
  public byte[] snapshot() throws IOException { return LedgerState.snapshot(this); }

  public static RunStats restore(byte[] state) throws IOException { return (RunStats) LedgerState.restore(state); }

  public static final SimpleVersionedSerializer<byte[]> STATE_SERIALIZER = LedgerState.SERIALIZER;

  public ExactlyOnceChecker checker() { return checker; }
  public long emitted() { return out.emitted(); }
  public long offloaded() { return offloaded; }
  public long fallback() { return fallback; }
  public long tokenMismatches() { return tokenMismatches; }

  public boolean ok() { return checker.ok() && tokenMismatches == 0; }

  /** Builds the summary map (key order is stable). */
  public Map<String, Object> summary(String runId, String flinkVersion) {
    Map<String, Object> m = out.head(ok(), runId, flinkVersion);
    m.put("records_generated", checker.expected());
    m.put("records_emitted", out.emitted());
    m.put("lost", checker.lost());
    m.put("duplicated", checker.duplicates());
    m.put("out_of_range", checker.outOfRange());
    m.put("first_missing_seq", checker.firstMissing());
    m.put("token_mismatches", tokenMismatches);
    m.put("offload_order_violations", laneOrderViolations);
    m.put("tokens", tokens);
    m.put("local", local);
    m.put("offloaded", offloaded);
    m.put("fallbacks", fallback);
    offload.put(m);
    out.tail(m);
    return m;
  }

  /** Writes summary.json, timeseries.csv, latency.hlog, latency_percentiles.txt into dir. */
  public Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException {
    Map<String, Object> summary = summary(runId, flinkVersion);
    out.write(dir, summary);
    return summary;
  }
}
