package io.spillway.flink.sink;

import io.spillway.flink.Trace;
import java.io.IOException;
import java.io.Serializable;
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
 * A parallelism-1 sink that feeds everything arriving to one run's statistics and writes them once, at end of input
 * (the tokenizer job's {@link ResultSink}, a scenario-built job's graph/GraphSink): the statistics, their gauges and
 * the done line are the subclass's. Statistics that are Serializable are the writer's state (LedgerState): a job
 * restored from a savepoint or checkpoint keeps one ledger across the restart; others start afresh.
 */
public abstract class StatsSink<T, S extends StatsSink.Stats<T>> implements Sink<T>, SupportsWriterState<T, byte[]> {
  private static final long serialVersionUID = 1L;

  /** What a sink measures: one record at a time, written out once. */
  public interface Stats<T> {
    void record(T r, long nowMs);

    Map<String, Object> write(Path dir, String runId, String flinkVersion) throws IOException;
  }

  protected final Trace trace;
  private final String outputDir;
  private final String runId;
  private final String flinkVersion;

  protected StatsSink(Trace trace, String outputDir, String runId, String flinkVersion) {
    this.trace = trace;
    this.outputDir = outputDir;
    this.runId = runId;
    this.flinkVersion = flinkVersion;
  }

  protected abstract S newStats();

  /** Gauges of the running statistics (none by default). */
  protected void gauges(S stats, SinkWriterMetricGroup g) {}

  /** What the done line adds after lost and duplicated. */
  protected String doneExtra(Map<String, Object> summary) { return ""; }

  @Override
  public StatefulSinkWriter<T, byte[]> createWriter(WriterInitContext ctx) { return writer(ctx, newStats()); }

  @Override
  @SuppressWarnings("unchecked")
  public StatefulSinkWriter<T, byte[]> restoreWriter(WriterInitContext ctx, Collection<byte[]> state) throws IOException {
    if (state.isEmpty()) return writer(ctx, newStats());
    if (state.size() != 1) throw new IOException("stats sink: expected one ledger state (parallelism 1), got " + state.size());
    return writer(ctx, (S) LedgerState.restore(state.iterator().next()));
  }

  @Override
  public SimpleVersionedSerializer<byte[]> getWriterStateSerializer() { return LedgerState.SERIALIZER; }

  private StatefulSinkWriter<T, byte[]> writer(WriterInitContext ctx, S stats) {
    gauges(stats, ctx.metricGroup());
    return new StatefulSinkWriter<>() {
      private boolean written;

      @Override public void write(T r, Context c) { stats.record(r, System.currentTimeMillis()); }

      @Override
      public List<byte[]> snapshotState(long checkpointId) throws IOException {
        return stats instanceof Serializable ledger ? List.of(LedgerState.snapshot(ledger)) : List.of();
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        if (!endOfInput || written) return;
        written = true;
        Map<String, Object> s = stats.write(Path.of(outputDir), runId, flinkVersion);
        System.out.println("SPILLWAY_SINK_DONE ok=" + s.get("ok") + " emitted=" + s.get("records_emitted") + " lost="
            + s.get("lost") + " duplicated=" + s.get("duplicated") + doneExtra(s));
      }

      @Override public void close() {}
    };
  }
}
