package io.spillway.flink.shapes;

import io.spillway.flink.Trace;
import io.spillway.flink.sink.ExactlyOnceChecker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Parallelism-1 sink of a shape: digest of the rows, zero loss (each input seq once for record shapes, window counts
 * summing to the inputs for windowed ones), hot items, latency; at end of input it runs the shape locally and writes
 * summary.json with ok = zero loss and the digest (and hot items) equal to the local-only run's.
 */
public class ShapeSink implements Sink<Row> {
  private static final long serialVersionUID = 1L;
  private final Shape shape;
  private final Trace trace;
  private final long seed;
  private final ShapeCfg cfg;
  private final String outputDir;
  private final String runId;

  public ShapeSink(Shape shape, Trace trace, long seed, ShapeCfg cfg, String outputDir, String runId) {
    this.shape = shape;
    this.trace = trace;
    this.seed = seed;
    this.cfg = cfg;
    this.outputDir = outputDir;
    this.runId = runId;
  }

  @Override
  public SinkWriter<Row> createWriter(WriterInitContext ctx) {
    Writer w = new Writer();
    ctx.metricGroup().gauge("sinkEmitted", () -> w.digest.rows());
    return w;
  }

  final class Writer implements SinkWriter<Row> {
    final Digest digest = new Digest();
    final ExactlyOnceChecker checker = shape.windowed() ? null : new ExactlyOnceChecker(trace.total());
    final HotItems hot = new HotItems();
    final Histogram latency = new Histogram(3);
    long counted;
    boolean written;

    @Override
    public void write(Row r, Context context) {
      digest.add(r);
      if (checker != null) checker.accept(r.seq);
      else {
        counted += r.value;
        hot.add(r.window, r.key, r.value);
      }
      latency.recordValue(Math.max(0, System.currentTimeMillis() - r.t));
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (!endOfInput || written) return;
      written = true;
      Map<String, Object> s = summary(shape.expected(trace, seed, cfg));
      Path dir = Path.of(outputDir);
      Files.createDirectories(dir);
      Path tmp = dir.resolve("summary.json.tmp");
      Files.write(tmp, io.spillway.flink.JobConfig.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
      Files.move(tmp, dir.resolve("summary.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      System.out.println("SPILLWAY_SINK_DONE ok=" + s.get("ok") + " rows=" + digest.rows() + " lost=" + s.get("lost")
          + " digest=" + digest.hex() + " expected=" + s.get("expected_digest"));
    }

    Map<String, Object> summary(Expected e) {
      long lost = checker != null ? checker.lost() : Math.max(0, e.inputs() - counted);
      long dup = checker != null ? checker.duplicates() : Math.max(0, counted - e.inputs());
      boolean digestOk = digest.sum() == e.digest().sum() && digest.rows() == e.digest().rows();
      boolean hotOk = HotItems.same(hot.list(), e.hotItems());
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("ok", lost == 0 && dup == 0 && digestOk && hotOk);
      s.put("run_id", runId);
      s.put("shape", cfg.name);
      s.put("records_generated", trace.total());
      s.put("records_emitted", digest.rows());
      s.put("inputs_expected", e.inputs());
      s.put("inputs_counted", checker != null ? checker.distinct() : counted);
      s.put("lost", lost);
      s.put("duplicated", dup);
      s.put("digest", digest.hex());
      s.put("expected_digest", e.digest().hex());
      s.put("expected_rows", e.digest().rows());
      s.put("digest_equal", digestOk);
      s.put("hot_items_equal", hotOk);
      s.put("windows", hot.list().size());
      s.put("latency_ms", Map.of("p50", latency.getValueAtPercentile(50), "p99", latency.getValueAtPercentile(99),
          "max", latency.getMaxValue()));
      return s;
    }

    @Override
    public void close() {}
  }
}
