package io.spillway.flink.graph;

import io.spillway.flink.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Parallelism-1 sink of a scenario-built job: {@link GraphStats} over everything that arrives. */
public final class GraphSink implements Sink<Rec> {
  private static final long serialVersionUID = 1L;
  private final Trace trace;
  private final String outputDir;
  private final String runId;
  private final String flinkVersion;

  public GraphSink(Trace trace, String outputDir, String runId, String flinkVersion) {
    this.trace = trace;
    this.outputDir = outputDir;
    this.runId = runId;
    this.flinkVersion = flinkVersion;
  }

  @Override
  public SinkWriter<Rec> createWriter(WriterInitContext ctx) {
    GraphStats stats = new GraphStats(trace);
    return new SinkWriter<>() {
      private boolean written;

      @Override public void write(Rec r, Context c) { stats.record(r, System.currentTimeMillis()); }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        if (!endOfInput || written) return;
        written = true;
        Map<String, Object> s = stats.write(Path.of(outputDir), runId, flinkVersion);
        System.out.println("SPILLWAY_SINK_DONE ok=" + s.get("ok") + " emitted=" + s.get("records_emitted") + " lost="
            + s.get("lost") + " duplicated=" + s.get("duplicated") + " window_digest=" + s.get("window_digest"));
      }

      @Override public void close() {}
    };
  }
}
