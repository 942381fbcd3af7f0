package io.spillway.flink.shapes;

import io.spillway.flink.Trace;
import io.spillway.flink.sink.StatsSink;
import java.util.Map;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Parallelism-1 sink of a shape: {@link ShapeStats} over every row; at end of input it runs the shape locally and
 * writes summary.json (ok = zero loss and the digest, and hot items, equal to the local-only run's), timeseries.csv
 * and the latency files as the other jobs' sinks do.
 */
public class ShapeSink extends StatsSink<Row, ShapeStats> {
  private static final long serialVersionUID = 1L;
  private final Shape shape;
  private final long seed;
  private final ShapeCfg cfg;

  public ShapeSink(Shape shape, Trace trace, long seed, ShapeCfg cfg, String outputDir, String runId, String flinkVersion) {
    super(trace, outputDir, runId, flinkVersion);
    this.shape = shape;
    this.seed = seed;
    this.cfg = cfg;
  }

  @Override protected ShapeStats newStats() { return new ShapeStats(shape, trace, seed, cfg); }

  @Override protected void gauges(ShapeStats stats, SinkWriterMetricGroup g) { g.gauge("sinkEmitted", stats::rows); }

  @Override
  protected String doneExtra(Map<String, Object> s) { return " rows=" + s.get("results") + " digest=" + s.get("digest") + " expected=" + s.get("expected_digest"); }
}
