package io.spillway.flink.source;

import io.spillway.flink.Line;
import io.spillway.flink.TextGen;
import io.spillway.flink.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * FLIP-27 source replaying a piecewise-constant rate trace. Each record carries its global sequence number and its
 * intended arrival time (t0 + floor(t_n*1000)), computed from the trace and not from when it was emitted, so waiting
 * under backpressure counts as latency (no coordinated omission). Exposes {@code pendingRecords} = records due by now
 * but not yet emitted, like a Kafka source's backlog.
 */
public final class TraceSource implements Source<Line, TraceSplit, Long> {
  private static final long serialVersionUID = 1L;

  private final Trace trace;
  private final TextGen textGen;
  private final long startDelayMs;
  private final String runId;

  public TraceSource(Trace trace, TextGen textGen, long startDelayMs, String runId) {
    this.trace = trace;
    this.textGen = textGen;
    this.startDelayMs = startDelayMs;
    this.runId = runId;
  }

  @Override public Boundedness getBoundedness() { return Boundedness.BOUNDED; }

  @Override
  public SplitEnumerator<TraceSplit, Long> createEnumerator(SplitEnumeratorContext<TraceSplit> ctx) {
    return new Enumerator(ctx, -1L, startDelayMs, runId);
  }

  @Override
  public SplitEnumerator<TraceSplit, Long> restoreEnumerator(SplitEnumeratorContext<TraceSplit> ctx, Long t0) {
    Enumerator e = new Enumerator(ctx, t0, startDelayMs, runId);
    // Restored from a savepoint (a rescale of other vertices): every reader got its split back from its own state,
    // so a reader's next request is its "done" (the source's parallelism is unchanged).
    if (t0 >= 0) for (int i = 0; i < ctx.currentParallelism(); i++) e.assigned.add(i);
    return e;
  }

  @Override public SimpleVersionedSerializer<TraceSplit> getSplitSerializer() { return new TraceSplit.Serializer(); }

  @Override
  public SimpleVersionedSerializer<Long> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override public int getVersion() { return 1; }
      @Override public byte[] serialize(Long v) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) { out.writeLong(v); }
        return bos.toByteArray();
      }
      @Override public Long deserialize(int version, byte[] b) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) { return in.readLong(); }
      }
    };
  }

  @Override
  public SourceReader<Line, TraceSplit> createReader(SourceReaderContext ctx) {
    return new Reader(ctx, trace, textGen);
  }

  /**
   * Waits until every reader has asked for its split (all source subtasks are running) and the control source's reader
   * has its split (so the controller's first decision normally lands before t0; at most 15 s), then fixes the common
   * epoch t0 = now + start_delay_ms and assigns split i to reader i; answers a reader's second request with
   * "no more splits".
   */
  static final class Enumerator implements SplitEnumerator<TraceSplit, Long> {
    private final SplitEnumeratorContext<TraceSplit> ctx;
    private long t0Ms;
    private final long startDelayMs;
    private final String runId;
    private final Set<Integer> requested = new HashSet<>();
    private final Set<Integer> assigned = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();

    Enumerator(SplitEnumeratorContext<TraceSplit> ctx, long t0Ms, long startDelayMs, String runId) {
      this.ctx = ctx;
      this.t0Ms = t0Ms;
      this.startDelayMs = startDelayMs;
      this.runId = runId;
    }

    @Override
    public void start() {
      waitSince = System.currentTimeMillis();
      // assign once every reader asked and the control reader runs (or after CONTROL_WAIT_MS regardless)
      ctx.callAsync(() -> Boolean.TRUE, (v, e) -> {
        if (!requested.isEmpty()) maybeAssign();
      }, 50, 50);
    }

    private long waitSince;
    private static final long CONTROL_WAIT_MS = 15_000;

    private void maybeAssign() {
      int p = ctx.currentParallelism();
      if (requested.size() < p) return; // wait for every reader
      boolean controlReady = RunRegistry.isControlReady(runId)
          || System.currentTimeMillis() - waitSince > CONTROL_WAIT_MS;
      if (t0Ms < 0 && !controlReady) return;
      if (t0Ms < 0) t0Ms = System.currentTimeMillis() + startDelayMs;
      for (int r : requested) {
        if (assigned.add(r)) ctx.assignSplit(new TraceSplit(r, p, t0Ms, r), r);
      }
      requested.clear();
    }

    @Override
    public void handleSplitRequest(int subtask, String host) {
      if (!assigned.contains(subtask)) {
        requested.add(subtask);
        maybeAssign();
      } else {
        ctx.signalNoMoreSplits(subtask);
        finished.add(subtask);
        if (finished.size() >= ctx.currentParallelism()) RunRegistry.markDataDone(runId);
      }
    }

    @Override public void addSplitsBack(List<TraceSplit> splits, int subtask) {
      // A subtask reset hands back what was assigned after the last checkpoint: nothing, as splits are assigned once
      // at the start (a rescale restores them from state). No fault tolerance otherwise (restart strategy none).
      if (splits.isEmpty()) return;
      throw new IllegalStateException("trace splits cannot be re-assigned (restart strategy must be none)");
    }

    @Override public void addReader(int subtask) {}

    @Override public Long snapshotState(long checkpointId) { return t0Ms; }

    @Override public void close() {}
  }

  /** Emits its records when they are due; never ahead of the trace. */
  static final class Reader implements SourceReader<Line, TraceSplit> {
    private static final int MAX_PER_POLL = 1000;
    private final SourceReaderContext ctx;
    private final Trace trace;
    private final TextGen textGen;
    private final long total;
    private ScheduledExecutorService timer;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    private volatile TraceSplit split; // null when none
    private volatile long nextSeq = -1;
    private boolean noMoreSplits;
    private boolean splitDone;
    /** A split came from state (savepoint or checkpoint) before start(): this reader resumes a stopped job. */
    private boolean restored;
    /** Records due but not emitted when the restored reader first polled: the backlog a rescale left; -1 if none. */
    private volatile long restoredBacklog = -1;

    Reader(SourceReaderContext ctx, Trace trace, TextGen textGen) {
      this.ctx = ctx;
      this.trace = trace;
      this.textGen = textGen;
      this.total = trace.total();
    }

    @Override
    public void start() {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trace-source-timer-" + ctx.getIndexOfSubtask());
        t.setDaemon(true);
        return t;
      });
      ctx.metricGroup().setPendingRecordsGauge(this::pendingRecords);
      ctx.metricGroup().gauge("restoredBacklog", () -> restoredBacklog);
      // a split restored from a savepoint arrives (addSplits) before start(): ask only when there is none
      restored = split != null;
      if (split == null) ctx.sendSplitRequest();
    }

    /** Records of this reader whose intended time is <= now but which were not emitted yet. */
    long pendingRecords() {
      TraceSplit s = split;
      long n = nextSeq;
      if (s == null || n < 0) return 0L;
      long now = System.currentTimeMillis();
      if (now < s.t0Ms) return 0L;
      long dueGlobal = trace.dueBy((now - s.t0Ms) / 1000.0);
      long dueMine = dueGlobal > s.index ? (dueGlobal - s.index + s.parallelism - 1) / s.parallelism : 0;
      long emittedMine = (n - s.index) / s.parallelism;
      return Math.max(0L, dueMine - emittedMine);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Line> output) {
      TraceSplit s = split;
      if (s == null) {
        if (noMoreSplits) return InputStatus.END_OF_INPUT;
        return nothing();
      }
      if (restored && restoredBacklog < 0) restoredBacklog = pendingRecords();
      long now = System.currentTimeMillis();
      long n = nextSeq;
      for (int i = 0; i < MAX_PER_POLL; i++) {
        if (n >= total) {
          nextSeq = n;
          split = null;
          splitDone = true;
          ctx.sendSplitRequest(); // answered with "no more splits"
          return noMoreSplits ? InputStatus.END_OF_INPUT : nothing();
        }
        long due = s.t0Ms + trace.offsetMs(n);
        if (due > now) {
          nextSeq = n;
          CompletableFuture<Void> f = new CompletableFuture<>();
          available = f;
          timer.schedule(() -> f.complete(null), due - now, TimeUnit.MILLISECONDS);
          return InputStatus.NOTHING_AVAILABLE;
        }
        Line line = new Line();
        line.seq = n;
        line.t = due;
        textGen.fill(line);
        output.collect(line, due);
        n += s.parallelism;
        nextSeq = n;
      }
      return InputStatus.MORE_AVAILABLE;
    }

    private InputStatus nothing() {
      if (available.isDone()) available = new CompletableFuture<>();
      return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<TraceSplit> snapshotState(long checkpointId) {
      List<TraceSplit> l = new ArrayList<>();
      TraceSplit s = split;
      if (s != null) l.add(new TraceSplit(s.index, s.parallelism, s.t0Ms, nextSeq));
      return l;
    }

    @Override public CompletableFuture<Void> isAvailable() { return available; }

    @Override
    public void addSplits(List<TraceSplit> splits) {
      if (splits.size() != 1 || split != null || splitDone)
        throw new IllegalStateException("trace reader expects exactly one split");
      TraceSplit s = splits.get(0);
      nextSeq = s.nextSeq;
      split = s;
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
      noMoreSplits = true;
      available.complete(null);
    }

    @Override
    public void close() {
      if (timer != null) timer.shutdownNow();
    }
  }
}
