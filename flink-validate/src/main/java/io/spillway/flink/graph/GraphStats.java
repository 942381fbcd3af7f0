package io.spillway.flink.graph;

import java.io.Serializable;
import io.spillway.flink.Trace;
import io.spillway.flink.sink.Emissions;
import io.spillway.flink.sink.OffloadTotals;
import io.spillway.flink.sink.StatsSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the sink of a scenario-built job measures: every source record accounted for by weight (lost: its weights add
 * up to less than {@link Rec#UNIT}; duplicated: to more), the window results' order-free digest over
 * (window, key, value) (value: the count, or a sum window's sum), each sum recomputed from its result's ledger, per-key
 * window order, latency (DATA: now − intended arrival; WINDOW: now − window end) and
 * the offload statistics the vertices report; latency and the per-second series through {@link Emissions}, which
 * writes summary.json, timeseries.csv and the latency files as for the tokenizer job.
 */
public final class GraphStats implements StatsSink.Stats<Rec>, Serializable {
  private static final long serialVersionUID = 1L;
  private final long[] weights;
  private final Emissions out;
  private final Trace trace;
  private final Map<Long, Long> lastWindowByKey = new HashMap<>();
  private long windowResults, windowRecords, windowOffloaded, orderViolations, countMismatches;
  private long sumTotal, sumMismatches;
  private long digestSum, digestXor;
  private long batches, fallbackRecords;
  private final OffloadTotals offload = new OffloadTotals();

  public GraphStats(Trace trace) {
    this.trace = trace;
    this.out = new Emissions(trace);
    if (trace.total() > Integer.MAX_VALUE) throw new IllegalArgumentException("trace has too many records");
    this.weights = new long[(int) trace.total()];
  }

  public void record(Rec r, long nowMs) {
    if (r.ledgerSeqs != null) for (int i = 0; i < r.ledgerSeqs.length; i++) credit(r.ledgerSeqs[i], r.ledgerWeights[i]);
    if (r.kind == Rec.LEDGER) {
      ledger(r);
      return;
    }
    if (r.kind == Rec.DATA) credit(r.seq, r.weight);
    else window(r);
    out.t0((r.kind == Rec.DATA ? r.t : r.originT) - trace.offsetMs(r.seq));
    out.emit(nowMs, nowMs - (r.kind == Rec.DATA ? r.t : out.t0() + r.windowEnd), r.kind == Rec.WINDOW && r.offloadedRecords > 0, false);
  }

  private void ledger(Rec r) {
    batches += r.batches;
    fallbackRecords += r.fallbackRecords;
    offload.add(r.invocations, r.coldStarts, r.throttles, r.errors, r.fallbackBatches, r.billedMs, 0);
  }

  private void credit(long seq, long w) {
    if (seq >= 0 && seq < weights.length) weights[(int) seq] += w;
  }

  private void window(Rec r) {
    windowResults++;
    windowRecords += r.count;
    windowOffloaded += r.offloadedRecords;
    if (r.ledgerSeqs == null || r.ledgerSeqs.length != r.count) countMismatches++;
    if (r.summed) sum(r);
    long h = r.summed ? Draws.hash(r.windowStart, r.key, r.sum, 0x73756d4c) : Draws.hash(r.windowStart, r.key, r.count, 0x77696e646f77L);
    digestSum += h;
    digestXor ^= Draws.mix(h);
    Long last = lastWindowByKey.put(r.key, r.windowStart);
    if (last != null && last >= r.windowStart) orderViolations++;
  }

  /** A sum window's result must hold the values of exactly the records in its ledger. */
  private void sum(Rec r) {
    sumTotal += r.sum;
    long want = 0;
    if (r.ledgerSeqs != null) for (long seq : r.ledgerSeqs) want += Rec.value(seq);
    if (want != r.sum) sumMismatches++;
  }

  /** Order-free digest of the window results: their number, sum and xor of per-result hashes over (window, key, value). */
  public String digest() {
    return String.format(Locale.ROOT, "%d:%016x:%016x", windowResults, digestSum, digestXor);
  }

  public long lost() {
    long n = 0;
    for (long w : weights) if (w < Rec.UNIT) n++;
    return n;
  }

  public long complete() {
    long n = 0;
    for (long w : weights) if (w == Rec.UNIT) n++;
    return n;
  }

  public long duplicated() {
    long n = 0;
    for (long w : weights) if (w > Rec.UNIT) n++;
    return n;
  }

  public boolean ok() { return lost() == 0 && duplicated() == 0 && countMismatches == 0 && sumMismatches == 0 && orderViolations == 0; }

  public Map<String, Object> summary(String runId, String flinkVersion) {
    Map<String, Object> m = out.head(ok(), runId, flinkVersion);
    m.put("records_generated", (long) weights.length);
    // records_emitted as the tokenizer job has it: source records fully accounted for (in results or a window's
    // state); the sink's emissions are results (validate's converter reads the tokenizer's name for them, tokens)
    m.put("records_emitted", complete());
    m.put("results", out.emitted());
    m.put("tokens", out.emitted());
    m.put("lost", lost());
    m.put("duplicated", duplicated());
    m.put("window_results", windowResults);
    m.put("window_records", windowRecords);
    m.put("window_digest", digest());
    m.put("window_order_violations", orderViolations);
    m.put("window_count_mismatches", countMismatches);
    m.put("window_sum", sumTotal);
    m.put("window_sum_mismatches", sumMismatches);
    m.put("offloaded", windowOffloaded);
    m.put("fallbacks", fallbackRecords);
    m.put("offload_batches", batches);
    offload.put(m);
    out.tail(m);
    return m;
  }

  public Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException {
    Map<String, Object> summary = summary(runId, flinkVersion);
    out.write(dir, summary);
    return summary;
  }
}
