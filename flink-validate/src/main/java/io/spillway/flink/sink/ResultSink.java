package io.spillway.flink.sink;

import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * Parallelism-1 sink: measures latency and checks exactly-once; writes the run's outputs at end of input. Its
 * ledger (RunStats) is writer state, so a job restored from a savepoint or checkpoint (a rescale) keeps counting
 * where the stopped one left off: a record lost or emitted twice across the restart shows in the one summary.
 */
public class ResultSink implements Sink<Result>, SupportsWriterState<Result, byte[]> {
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
  public StatefulSinkWriter<Result, byte[]> createWriter(WriterInitContext ctx) {
    return new Writer(ctx.metricGroup(), new RunStats(trace));
  }

  @Override
  public StatefulSinkWriter<Result, byte[]> restoreWriter(WriterInitContext ctx, Collection<byte[]> state) throws IOException {
    if (state.size() != 1) throw new IOException("result sink: expected one ledger state (parallelism 1), got " + state.size());
    return new Writer(ctx.metricGroup(), RunStats.restore(state.iterator().next()));
  }

  @Override
  public SimpleVersionedSerializer<byte[]> getWriterStateSerializer() { return RunStats.STATE_SERIALIZER; }

  final class Writer implements StatefulSinkWriter<Result, byte[]> {
    private final RunStats stats;
    private boolean written;

    Writer(SinkWriterMetricGroup g, RunStats stats) {
      this.stats = stats;
      g.gauge("sinkEmitted", stats::emitted);
      g.gauge("sinkOffloaded", stats::offloaded);
      g.gauge("sinkFallbacks", stats::fallback);
      g.gauge("sinkDuplicated", () -> stats.checker().duplicates());
      g.gauge("sinkExpected", () -> stats.checker().expected());
    }

    @Override
    public List<byte[]> snapshotState(long checkpointId) throws IOException { return List.of(stats.snapshot()); }

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
