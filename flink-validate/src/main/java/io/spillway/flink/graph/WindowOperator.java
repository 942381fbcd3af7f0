package io.spillway.flink.graph;

import io.spillway.flink.Decision;
import io.spillway.flink.JobConfig;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keyed tumbling count or sum window over the records' event time (their intended arrival), with optional stateful
 * offload: the decision's share of records goes, in batches, to the function's {@code window_count} (or
 * {@code window_sum}) operation, whose partial counts (sums) merge into this state exactly as local records would ({@link WindowState}); a batch that fails its attempts
 * is aggregated here (fallback). Answers come back through the task's mailbox, so state is only touched by the task
 * thread. Windows are held while any of their records is out, so the results equal a local-only run's.
 */
public final class WindowOperator extends AbstractStreamOperator<Rec> implements OneInputStreamOperator<Rec, Rec>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  /** Fixed when the graph is built. {@code offload} null = no offload point on this window. */
  public static final class Settings implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final String id;
    final long seed;
    final long sizeMs;
    /** The window sums {@link Rec#value} (the scenario's {@code window.aggregate: "sum"}); else it counts. */
    final boolean sum;
    final Work work;
    final JobConfig.OffloadCfg offload;
    final JobConfig.ControlCfg control;
    final Decision initial;

    public Settings(String id, long seed, long sizeMs, boolean sum, Work work, JobConfig.OffloadCfg offload, JobConfig.ControlCfg control,
        Decision initial) {
      this.id = id;
      this.seed = seed;
      this.sizeMs = sizeMs;
      this.sum = sum;
      this.work = work;
      this.offload = offload;
      this.control = control;
      this.initial = initial;
    }
  }

  private final Settings s;
  private final transient MailboxExecutor mailbox;
  private transient WindowState state;
  private transient WindowOffload off;
  private transient StreamRecord<Rec> reuse;
  private transient long wm = Long.MIN_VALUE;
  private transient long emittedWm = Long.MIN_VALUE;

  public WindowOperator(StreamOperatorParameters<Rec> params, Settings s) {
    super(params);
    this.s = s;
    this.mailbox = params.getMailboxExecutor();
  }

  @Override
  public void open() throws Exception {
    super.open();
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    s.work.open(s.seed, s.id, subtask);
    state = new WindowState(s.sizeMs, s.sum);
    reuse = new StreamRecord<>(null);
    wm = emittedWm = Long.MIN_VALUE;
    if (s.offload != null) off = new WindowOffload(s, subtask, state, getMetricGroup(), getProcessingTimeService(), mailbox, this::fireAndEmit);
  }

  @Override
  public void processElement(StreamRecord<Rec> element) {
    Rec r = element.getValue();
    if (r.kind != Rec.DATA) {
      output.collect(element);
      return;
    }
    if (off != null && off.route(r)) return;
    s.work.doOne();
    state.addLocal(r);
  }

  @Override
  public void processWatermark(Watermark mark) {
    wm = Math.max(wm, mark.getTimestamp());
    fireAndEmit();
  }

  /** Emits every window that may fire, then the watermark this operator can vouch for. */
  void fireAndEmit() {
    for (Rec r : state.fire(wm)) output.collect(reuse.replace(r, r.et));
    long h = state.heldWatermark(wm);
    if (h > emittedWm) {
      emittedWm = h;
      output.emitWatermark(new Watermark(h));
    }
  }

  @Override
  public void endInput() throws Exception {
    if (off != null) off.drain();
    wm = Long.MAX_VALUE;
    fireAndEmit();
    Rec stats = Rec.ledger(new long[0], new long[0]);
    if (off != null) off.stats(stats);
    output.collect(reuse.replace(stats));
  }

  @Override
  public void close() throws Exception {
    if (off != null) off.shutdown();
    super.close();
  }

}
