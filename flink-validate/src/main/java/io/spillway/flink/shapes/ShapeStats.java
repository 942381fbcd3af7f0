package io.spillway.flink.shapes;

import io.spillway.flink.Trace;
import io.spillway.flink.sink.Emissions;
import io.spillway.flink.sink.ExactlyOnceChecker;
import io.spillway.flink.sink.StatsSink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a shape's sink measures: the digest of the rows, zero loss (each input seq once for record shapes, window
 * counts summing to the inputs for windowed ones), hot items, and (through {@link Emissions}) latency and the
 * per-second series. Written once, against the shape's local-only run ({@link Shape#expected}).
 */
public final class ShapeStats implements StatsSink.Stats<Row> {
  private final Shape shape;
  private final Trace trace;
  private final long seed;
  private final ShapeCfg cfg;
  private final Digest digest = new Digest();
  private final ExactlyOnceChecker checker;
  private final HotItems hot = new HotItems();
  private final Emissions out;
  private long counted;

  ShapeStats(Shape shape, Trace trace, long seed, ShapeCfg cfg) {
    this.shape = shape;
    this.trace = trace;
    this.seed = seed;
    this.cfg = cfg;
    this.checker = shape.windowed() ? null : new ExactlyOnceChecker(trace.total());
    this.out = new Emissions(trace);
  }

  public long rows() { return digest.rows(); }

  @Override
  public void record(Row r, long nowMs) {
    digest.add(r);
    if (checker != null) checker.accept(r.seq);
    else {
      counted += r.value;
      hot.add(r.window, r.key, r.value);
    }
    // t0: a record's intended arrival less its offset in the trace; a window row's t is its end on that clock
    out.t0(checker != null ? r.t - trace.offsetMs(r.seq) : r.t - (r.window + cfg.windowMs));
    out.emit(nowMs, nowMs - r.t, false, false);
  }

  @Override
  public Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException {
    Expected e = shape.expected(trace, seed, cfg);
    long lost = checker != null ? checker.lost() : Math.max(0, e.inputs() - counted);
    long dup = checker != null ? checker.duplicates() : Math.max(0, counted - e.inputs());
    boolean digestOk = digest.sum() == e.digest().sum() && digest.rows() == e.digest().rows();
    boolean hotOk = HotItems.same(hot.list(), e.hotItems());
    Map<String, Object> s = out.head(lost == 0 && dup == 0 && digestOk && hotOk, runId, flinkVersion);
    s.put("shape", cfg.name);
    s.put("records_generated", trace.total());
    // as the simulator counts them: inputs that reached the sink or a window's count (YSB's filtered events do not)
    s.put("records_emitted", checker != null ? checker.distinct() : counted);
    s.put("results", digest.rows());
    s.put("tokens", digest.rows());
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
    // the offload statistics the other sinks report: a shape's sink sees none (the source-side point writes its own)
    for (String k : new String[] {"offloaded", "fallbacks", "fallback_batches", "invocations", "cold_starts", "throttles", "errors"}) s.put(k, 0L);
    out.tail(s);
    out.write(dir, s);
    return s;
  }
}
