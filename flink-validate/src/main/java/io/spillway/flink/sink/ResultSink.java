package io.spillway.flink.sink;

import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/** Parallelism-1 sink: measures latency and checks exactly-once; writes the run's outputs at end of input. */
public class ResultSink extends StatsSink<Result, RunStats> {
  private static final long serialVersionUID = 1L;

  public ResultSink(Trace trace, String outputDir, String runId, String flinkVersion) {
    super(trace, outputDir, runId, flinkVersion);
  }

  @Override protected RunStats newStats() { return new RunStats(trace); }

  @Override
  protected void gauges(RunStats stats, SinkWriterMetricGroup g) {
    g.gauge("sinkEmitted", stats::emitted);
    g.gauge("sinkOffloaded", stats::offloaded);
    g.gauge("sinkFallbacks", stats::fallback);
    g.gauge("sinkDuplicated", () -> stats.checker().duplicates());
    g.gauge("sinkExpected", () -> stats.checker().expected());
  }
}
