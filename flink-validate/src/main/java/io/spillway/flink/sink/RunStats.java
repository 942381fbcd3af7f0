package io.spillway.flink.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Everything the sink measures: exactly-once check, latency histogram (ms, now - intended arrival), per-second
 * series, offload statistics; writes summary.json, timeseries.csv, latency.hlog and latency_percentiles.txt.
 */
public final class RunStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Trace trace;
  private final ExactlyOnceChecker checker;
  private final Histogram latency = new Histogram(3);
  private final List<long[]> rows = new ArrayList<>(); // [sec, emitted, offloaded, fallback, p50, p99]
  private Histogram secHist = new Histogram(3);
  private long curSec = Long.MIN_VALUE;
  private long secEmitted, secOffloaded, secFallback;

  private long t0Ms = Long.MIN_VALUE;
  private long firstEmitMs = -1, lastEmitMs = -1;
  private long emitted, offloaded, fallback, local, tokens, tokenMismatches;
  private long invocations, coldStarts, throttles, errors, fallbackBatches, billedMs, initMs;

  public RunStats(Trace trace) {
    this.trace = trace;
    this.checker = new ExactlyOnceChecker(trace.total());
  }

  public void record(Result r, long nowMs) {
    boolean fresh = checker.accept(r.seq);
    invocations += r.invocations;
    coldStarts += r.coldStarts;
    throttles += r.throttles;
    errors += r.errors;
    fallbackBatches += r.fallbackBatches;
    billedMs += r.billedMs;
    initMs += r.initMs;
    if (!fresh) return;
    if (t0Ms == Long.MIN_VALUE) t0Ms = r.t - trace.offsetMs(r.seq);
    emitted++;
    tokens += r.tokenCount;
    if (r.tokenCount != r.expectedTokens) tokenMismatches++;
    if (r.path == Result.OFFLOADED) offloaded++;
    else if (r.path == Result.FALLBACK) fallback++;
    else local++;
    long lat = Math.max(0, nowMs - r.t);
    latency.recordValue(lat);
    if (firstEmitMs < 0) firstEmitMs = nowMs;
    lastEmitMs = Math.max(lastEmitMs, nowMs);
    long sec = Math.floorDiv(nowMs - t0Ms, 1000L);
    if (sec > curSec) {
      closeSecond();
      curSec = sec;
    }
    secEmitted++;
    if (r.path == Result.OFFLOADED) secOffloaded++;
    if (r.path == Result.FALLBACK) secFallback++;
    secHist.recordValue(lat);
  }

  private void closeSecond() {
    if (curSec != Long.MIN_VALUE && secEmitted > 0) {
      rows.add(new long[] {curSec, secEmitted, secOffloaded, secFallback,
          secHist.getValueAtPercentile(50), secHist.getValueAtPercentile(99)});
    }
    secHist.reset();
    secEmitted = secOffloaded = secFallback = 0;
  }

  /** The whole ledger as bytes (Java serialization: every field is Serializable), for the sink's writer state. */
  public byte[] snapshot() throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bos)) { out.writeObject(this); }
    return bos.toByteArray();
  }

  public static RunStats restore(byte[] state) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(state))) {
      return (RunStats) in.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("result sink ledger state: " + e.getMessage(), e);
    }
  }

  /** The snapshot bytes as they are (version 1: RunStats serialized). */
  public static final SimpleVersionedSerializer<byte[]> STATE_SERIALIZER = new SimpleVersionedSerializer<>() {
    @Override public int getVersion() { return 1; }
    @Override public byte[] serialize(byte[] b) { return b; }
    @Override public byte[] deserialize(int version, byte[] b) throws IOException {
      if (version != 1) throw new IOException("result sink ledger state: unknown version " + version);
      return b;
    }
  };

  public ExactlyOnceChecker checker() { return checker; }
  public long emitted() { return emitted; }
  public long offloaded() { return offloaded; }
  public long fallback() { return fallback; }
  public long tokenMismatches() { return tokenMismatches; }

  public boolean ok() { return checker.ok() && tokenMismatches == 0; }

  /** Builds the summary map (key order is stable). */
  public Map<String, Object> summary(String runId, String flinkVersion) {
    closeSecond();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", ok());
    m.put("run_id", runId);
    m.put("flink_version", flinkVersion);
    m.put("duration_s", trace.durationS());
    m.put("t0_epoch_ms", t0Ms == Long.MIN_VALUE ? null : t0Ms);
    m.put("records_generated", checker.expected());
    m.put("records_emitted", emitted);
    m.put("lost", checker.lost());
    m.put("duplicated", checker.duplicates());
    m.put("out_of_range", checker.outOfRange());
    m.put("first_missing_seq", checker.firstMissing());
    m.put("token_mismatches", tokenMismatches);
    m.put("tokens", tokens);
    m.put("local", local);
    m.put("offloaded", offloaded);
    m.put("fallbacks", fallback);
    m.put("fallback_batches", fallbackBatches);
    m.put("invocations", invocations);
    m.put("cold_starts", coldStarts);
    m.put("throttles", throttles);
    m.put("errors", errors);
    m.put("function_billed_ms", billedMs);
    m.put("function_init_ms", initMs);
    Map<String, Object> lat = new LinkedHashMap<>();
    boolean any = latency.getTotalCount() > 0;
    lat.put("count", latency.getTotalCount());
    lat.put("p50", any ? (double) latency.getValueAtPercentile(50) : null);
    lat.put("p90", any ? (double) latency.getValueAtPercentile(90) : null);
    lat.put("p99", any ? (double) latency.getValueAtPercentile(99) : null);
    lat.put("p999", any ? (double) latency.getValueAtPercentile(99.9) : null);
    lat.put("max", any ? (double) latency.getMaxValue() : null);
    lat.put("mean", any ? round3(latency.getMean()) : null);
    lat.put("min", any ? (double) latency.getMinValue() : null);
    m.put("latency_ms", lat);
    double spanS = t0Ms == Long.MIN_VALUE || lastEmitMs < 0 ? 0 : (lastEmitMs - t0Ms) / 1000.0;
    m.put("first_emit_epoch_ms", firstEmitMs < 0 ? null : firstEmitMs);
    m.put("last_emit_epoch_ms", lastEmitMs < 0 ? null : lastEmitMs);
    m.put("span_s", round3(spanS));
    m.put("throughput_rps", spanS > 0 ? round3(emitted / spanS) : 0.0);
    return m;
  }

  private static double round3(double v) { return Math.round(v * 1000.0) / 1000.0; }

  /** Writes summary.json, timeseries.csv, latency.hlog, latency_percentiles.txt into dir. */
  public Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> summary = summary(runId, flinkVersion);
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path tmp = dir.resolve("summary.json.tmp");
    Files.write(tmp, om.writeValueAsBytes(summary));
    Files.move(tmp, dir.resolve("summary.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    writeTimeseries(dir.resolve("timeseries.csv"));
    try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve("latency.hlog")), false, StandardCharsets.UTF_8)) {
      HistogramLogWriter w = new HistogramLogWriter(ps);
      w.outputComment("Spillway flink-validate latency histogram, unit: ms (now - intended arrival)");
      w.outputLogFormatVersion();
      w.outputLegend();
      latency.setStartTimeStamp(t0Ms == Long.MIN_VALUE ? 0 : t0Ms);
      latency.setEndTimeStamp(Math.max(0, lastEmitMs));
      w.outputIntervalHistogram(latency);
    }
    try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve("latency_percentiles.txt")), false, StandardCharsets.UTF_8)) {
      if (latency.getTotalCount() > 0) latency.outputPercentileDistribution(ps, 5, 1.0);
    }
    return summary;
  }

  private void writeTimeseries(Path file) throws IOException {
    long lastRowSec = rows.isEmpty() ? -1 : rows.get(rows.size() - 1)[0];
    long end = Math.max(lastRowSec, (long) Math.ceil(trace.durationS()) - 1);
    StringBuilder sb = new StringBuilder("t_s,input_rps,emitted_rps,offloaded_rps,fallback_rps,latency_p50_ms,latency_p99_ms\n");
    int ri = 0;
    for (long s = 0; s <= end; s++) {
      long input = s < trace.durationS() ? trace.dueBy(Math.min(s + 1, trace.durationS())) - trace.dueBy(s) : 0;
      while (ri < rows.size() && rows.get(ri)[0] < s) ri++;
      long[] row = ri < rows.size() && rows.get(ri)[0] == s ? rows.get(ri) : null;
      sb.append(s).append(',').append(input).append(',');
      if (row == null) sb.append("0,0,0,,\n");
      else sb.append(row[1]).append(',').append(row[2]).append(',').append(row[3]).append(',')
          .append(row[4]).append(',').append(row[5]).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  static String fmt(double v) { return String.format(Locale.ROOT, "%.3f", v); }
}
