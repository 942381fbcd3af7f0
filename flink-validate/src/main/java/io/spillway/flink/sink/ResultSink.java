package io.spillway.flink.sink;

import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/** Parallelism-1 sink: measures latency and checks exactly-once; writes the run's outputs at end of input. */
public class ResultSink implements Sink<Result> {
  private static final long serialVersionUID = 1L;
  private final Trace trace;
  private final String outputDir;
  private final String runId;
  private final String flinkVersion;

  public ResultSink(Trace trace, String outputDir, String runId, String flinkVersion) {
    this.trace = trace;
    this.outputDir = outputDir;
    this.runId = runId;
    this.flinkVersion = flinkVersion;
  }

  @Override
  public SinkWriter<Result> createWriter(WriterInitContext ctx) {
    return new Writer(ctx.metricGroup());
  }

  final class Writer implements SinkWriter<Result> {
    private final RunStats stats = new RunStats(trace);
    private boolean written;

    Writer(SinkWriterMetricGroup g) {
      g.gauge("sinkEmitted", stats::emitted);
      g.gauge("sinkOffloaded", stats::offloaded);
      g.gauge("sinkFallbacks", stats::fallback);
      g.gauge("sinkDuplicated", () -> stats.checker().duplicates());
      g.gauge("sinkExpected", () -> stats.checker().expected());
    }

    @Override
    public void write(Result r, Context context) {
      stats.record(r, System.currentTimeMillis());
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (endOfInput && !written) {
        written = true;
        Map<String, Object> s = stats.write(Path.of(outputDir), runId, flinkVersion);
        System.out.println("SPILLWAY_SINK_DONE ok=" + s.get("ok") + " emitted=" + s.get("records_emitted")
            + " lost=" + s.get("lost") + " duplicated=" + s.get("duplicated"));
      }
    }

    @Override
    public void close() {}
  }
}
