package io.spillway.flink.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spillway.flink.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What the sink of a scenario-built job measures: every source record accounted for by weight (lost: its weights add
 * up to less than {@link Rec#UNIT}; duplicated: to more), the window results' order-free digest over
 * (window, key, count), per-key window order, latency (DATA: now − intended arrival; WINDOW: now − window end) and
 * the offload statistics the vertices report. Writes summary.json and timeseries.csv.
 */
public final class GraphStats {
  private final Trace trace;
  private final long[] weights;
  private final Histogram latency = new Histogram(3);
  private final Map<Long, Long> lastWindowByKey = new HashMap<>();
  private final List<long[]> rows = new ArrayList<>(); // [sec, emitted, offloaded, p50, p99]
  private Histogram secHist = new Histogram(3);
  private long curSec = Long.MIN_VALUE, secEmitted, secOffloaded;
  private long t0Ms = Long.MIN_VALUE, firstEmitMs = -1, lastEmitMs = -1;
  private long emitted, windowResults, windowRecords, windowOffloaded, orderViolations, countMismatches;
  private long digestSum, digestXor;
  private long batches, invocations, coldStarts, throttles, errors, fallbackBatches, fallbackRecords, billedMs;

  public GraphStats(Trace trace) {
    this.trace = trace;
    if (trace.total() > Integer.MAX_VALUE) throw new IllegalArgumentException("trace has too many records");
    this.weights = new long[(int) trace.total()];
  }

  public void record(Rec r, long nowMs) {
    if (r.ledgerSeqs != null) for (int i = 0; i < r.ledgerSeqs.length; i++) credit(r.ledgerSeqs[i], r.ledgerWeights[i]);
    if (r.kind == Rec.LEDGER) {
      batches += r.batches;
      invocations += r.invocations;
      coldStarts += r.coldStarts;
      throttles += r.throttles;
      errors += r.errors;
      fallbackBatches += r.fallbackBatches;
      fallbackRecords += r.fallbackRecords;
      billedMs += r.billedMs;
      return;
    }
    if (r.kind == Rec.DATA) credit(r.seq, r.weight);
    else window(r);
    if (t0Ms == Long.MIN_VALUE) t0Ms = (r.kind == Rec.DATA ? r.t : r.originT) - trace.offsetMs(r.seq);
    emitted++;
    long lat = Math.max(0, nowMs - (r.kind == Rec.DATA ? r.t : t0Ms + r.windowEnd));
    latency.recordValue(lat);
    if (firstEmitMs < 0) firstEmitMs = nowMs;
    lastEmitMs = Math.max(lastEmitMs, nowMs);
    long sec = Math.floorDiv(nowMs - t0Ms, 1000L);
    if (sec > curSec) {
      closeSecond();
      curSec = sec;
    }
    secEmitted++;
    if (r.kind == Rec.WINDOW && r.offloadedRecords > 0) secOffloaded++;
    secHist.recordValue(lat);
  }

  private void credit(long seq, long w) {
    if (seq >= 0 && seq < weights.length) weights[(int) seq] += w;
  }

  private void window(Rec r) {
    windowResults++;
    windowRecords += r.count;
    windowOffloaded += r.offloadedRecords;
    if (r.ledgerSeqs == null || r.ledgerSeqs.length != r.count) countMismatches++;
    long h = Draws.hash(r.windowStart, r.key, r.count, 0x77696e646f77L);
    digestSum += h;
    digestXor ^= Draws.mix(h);
    Long last = lastWindowByKey.put(r.key, r.windowStart);
    if (last != null && last >= r.windowStart) orderViolations++;
  }

  private void closeSecond() {
    if (curSec != Long.MIN_VALUE && secEmitted > 0)
      rows.add(new long[] {curSec, secEmitted, secOffloaded, secHist.getValueAtPercentile(50), secHist.getValueAtPercentile(99)});
    secHist.reset();
    secEmitted = secOffloaded = 0;
  }

  /** Order-free digest of the window results: their number, sum and xor of per-result hashes. */
  public String digest() {
    return String.format(Locale.ROOT, "%d:%016x:%016x", windowResults, digestSum, digestXor);
  }

  public long lost() {
    long n = 0;
    for (long w : weights) if (w < Rec.UNIT) n++;
    return n;
  }

  public long duplicated() {
    long n = 0;
    for (long w : weights) if (w > Rec.UNIT) n++;
    return n;
  }

  public boolean ok() { return lost() == 0 && duplicated() == 0 && countMismatches == 0 && orderViolations == 0; }

  public Map<String, Object> summary(String runId, String flinkVersion) {
    closeSecond();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", ok());
    m.put("run_id", runId);
    m.put("flink_version", flinkVersion);
    m.put("duration_s", trace.durationS());
    m.put("t0_epoch_ms", t0Ms == Long.MIN_VALUE ? null : t0Ms);
    m.put("records_generated", (long) weights.length);
    m.put("records_emitted", emitted);
    m.put("lost", lost());
    m.put("duplicated", duplicated());
    m.put("window_results", windowResults);
    m.put("window_records", windowRecords);
    m.put("window_digest", digest());
    m.put("window_order_violations", orderViolations);
    m.put("window_count_mismatches", countMismatches);
    m.put("offloaded", windowOffloaded);
    m.put("fallbacks", fallbackRecords);
    m.put("fallback_batches", fallbackBatches);
    m.put("offload_batches", batches);
    m.put("invocations", invocations);
    m.put("cold_starts", coldStarts);
    m.put("throttles", throttles);
    m.put("errors", errors);
    m.put("function_billed_ms", billedMs);
    m.put("latency_ms", latencySummary());
    double spanS = t0Ms == Long.MIN_VALUE || lastEmitMs < 0 ? 0 : (lastEmitMs - t0Ms) / 1000.0;
    m.put("first_emit_epoch_ms", firstEmitMs < 0 ? null : firstEmitMs);
    m.put("last_emit_epoch_ms", lastEmitMs < 0 ? null : lastEmitMs);
    m.put("span_s", Math.round(spanS * 1000) / 1000.0);
    m.put("throughput_rps", spanS > 0 ? Math.round(emitted / spanS * 1000) / 1000.0 : 0.0);
    return m;
  }

  private Map<String, Object> latencySummary() {
    Map<String, Object> lat = new LinkedHashMap<>();
    boolean any = latency.getTotalCount() > 0;
    lat.put("count", latency.getTotalCount());
    for (double p : new double[] {50, 90, 99, 99.9}) {
      String k = p == 99.9 ? "p999" : "p" + (int) p;
      lat.put(k, any ? (double) latency.getValueAtPercentile(p) : null);
    }
    lat.put("max", any ? (double) latency.getMaxValue() : null);
    lat.put("mean", any ? Math.round(latency.getMean() * 1000) / 1000.0 : null);
    lat.put("min", any ? (double) latency.getMinValue() : null);
    return lat;
  }

  public Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> summary = summary(runId, flinkVersion);
    Path tmp = dir.resolve("summary.json.tmp");
    Files.write(tmp, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(summary));
    Files.move(tmp, dir.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING);
    StringBuilder sb = new StringBuilder("t_s,input_rps,emitted_rps,offloaded_rps,fallback_rps,latency_p50_ms,latency_p99_ms\n");
    long end = Math.max(rows.isEmpty() ? -1 : rows.get(rows.size() - 1)[0], (long) Math.ceil(trace.durationS()) - 1);
    int ri = 0;
    for (long s = 0; s <= end; s++) {
      long input = s < trace.durationS() ? trace.dueBy(Math.min(s + 1, trace.durationS())) - trace.dueBy(s) : 0;
      while (ri < rows.size() && rows.get(ri)[0] < s) ri++;
      long[] row = ri < rows.size() && rows.get(ri)[0] == s ? rows.get(ri) : null;
      sb.append(s).append(',').append(input).append(',');
      if (row == null) sb.append("0,0,0,,\n");
      else sb.append(row[1]).append(',').append(row[2]).append(",0,").append(row[3]).append(',').append(row[4]).append('\n');
    }
    Files.writeString(dir.resolve("timeseries.csv"), sb.toString(), StandardCharsets.UTF_8);
    return summary;
  }
}
