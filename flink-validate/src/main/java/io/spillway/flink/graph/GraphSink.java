package io.spillway.flink.graph;

import io.spillway.flink.Trace;
import io.spillway.flink.sink.StatsSink;
import java.util.Map;

/** Parallelism-1 sink of a scenario-built job: {@link GraphStats} over everything that arrives. */
public final class GraphSink extends StatsSink<Rec, GraphStats> {
  private static final long serialVersionUID = 1L;

  public GraphSink(Trace trace, String outputDir, String runId, String flinkVersion) {
    super(trace, outputDir, runId, flinkVersion);
  }

  @Override protected GraphStats newStats() { return new GraphStats(trace); }

  @Override protected String doneExtra(Map<String, Object> s) { return " window_digest=" + s.get("window_digest"); }
}
