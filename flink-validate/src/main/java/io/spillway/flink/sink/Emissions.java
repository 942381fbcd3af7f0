package io.spillway.flink.sink;

import java.io.Serializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.spillway.flink.Trace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * What every sink of the job measures about the results leaving it, whatever they are (the tokenizer's results,
 * a scenario-built job's records and window results): latency (HdrHistogram, ms), per-second emitted / offloaded /
 * fallback counts with their p50/p99, the first and last emission; and how it writes them: summary.json (atomic),
 * timeseries.csv, latency.hlog, latency_percentiles.txt. RunStats and graph/GraphStats add their own accounting.
 */
public final class Emissions implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Trace trace;
  private final Histogram latency = new Histogram(3);
  private final List<long[]> rows = new ArrayList<>(); // [sec, emitted, offloaded, fallback, p50, p99]
  private final Histogram secHist = new Histogram(3);
  private long curSec = Long.MIN_VALUE, secEmitted, secOffloaded, secFallback;
  private long t0Ms = Long.MIN_VALUE, firstEmitMs = -1, lastEmitMs = -1, emitted;

  public Emissions(Trace trace) { this.trace = trace; }

  /** The run's t0 (epoch ms of the trace start), set by the first emission's caller. */
  public boolean hasT0() { return t0Ms != Long.MIN_VALUE; }

  public void t0(long epochMs) { if (t0Ms == Long.MIN_VALUE) t0Ms = epochMs; }

  public long t0() { return t0Ms; }

  public long emitted() { return emitted; }

  /** One result left the sink at nowMs with latency latMs; offloaded / fall-back results count in their columns. */
  public void emit(long nowMs, long latMs, boolean offloaded, boolean fallback) {
    emitted++;
    latency.recordValue(Math.max(0, latMs));
    if (firstEmitMs < 0) firstEmitMs = nowMs;
    lastEmitMs = Math.max(lastEmitMs, nowMs);
    long sec = Math.floorDiv(nowMs - t0Ms, 1000L);
    if (sec > curSec) {
      closeSecond();
      curSec = sec;
    }
    secEmitted++;
    if (offloaded) secOffloaded++;
    if (fallback) secFallback++;
    secHist.recordValue(Math.max(0, latMs));
  }

  private void closeSecond() {
    if (curSec != Long.MIN_VALUE && secEmitted > 0)
      rows.add(new long[] {curSec, secEmitted, secOffloaded, secFallback, secHist.getValueAtPercentile(50), secHist.getValueAtPercentile(99)});
    secHist.reset();
    secEmitted = secOffloaded = secFallback = 0;
  }

  /** The summary's head: ok, run id, Flink version, duration, t0 (the caller adds its own fields after these). */
  public Map<String, Object> head(boolean ok, String runId, String flinkVersion) {
    closeSecond();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", ok);
    m.put("run_id", runId);
    m.put("flink_version", flinkVersion);
    m.put("duration_s", trace.durationS());
    m.put("t0_epoch_ms", t0Ms == Long.MIN_VALUE ? null : t0Ms);
    return m;
  }

  /** The summary's tail: latency percentiles, first and last emission, span and throughput. */
  public void tail(Map<String, Object> m) {
    Map<String, Object> lat = new LinkedHashMap<>();
    boolean any = latency.getTotalCount() > 0;
    lat.put("count", latency.getTotalCount());
    for (double p : new double[] {50, 90, 99, 99.9}) lat.put(p == 99.9 ? "p999" : "p" + (int) p, any ? (double) latency.getValueAtPercentile(p) : null);
    lat.put("max", any ? (double) latency.getMaxValue() : null);
    lat.put("mean", any ? round3(latency.getMean()) : null);
    lat.put("min", any ? (double) latency.getMinValue() : null);
    m.put("latency_ms", lat);
    double spanS = t0Ms == Long.MIN_VALUE || lastEmitMs < 0 ? 0 : (lastEmitMs - t0Ms) / 1000.0;
    m.put("first_emit_epoch_ms", firstEmitMs < 0 ? null : firstEmitMs);
    m.put("last_emit_epoch_ms", lastEmitMs < 0 ? null : lastEmitMs);
    m.put("span_s", round3(spanS));
    m.put("throughput_rps", spanS > 0 ? round3(emitted / spanS) : 0.0);
  }

  static double round3(double v) { return Math.round(v * 1000.0) / 1000.0; }

  /** Writes summary.json (through a temporary file), timeseries.csv, latency.hlog, latency_percentiles.txt into dir. */
  public void write(Path dir, Map<String, Object> summary) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve("summary.json.tmp");
    Files.write(tmp, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(summary));
    Files.move(tmp, dir.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING);
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
      else sb.append(row[1]).append(',').append(row[2]).append(',').append(row[3]).append(',').append(row[4]).append(',').append(row[5]).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }
}
