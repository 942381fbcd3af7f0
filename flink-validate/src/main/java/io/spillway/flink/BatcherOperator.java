package io.spillway.flink;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/** Wraps {@link Batcher} with a processing-time timer for the max wait; flushes at end of input. */
public class BatcherOperator extends AbstractStreamOperator<Batch>
    implements OneInputStreamOperator<RoutedLine, Batch>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private transient Batcher batcher;
  private transient long timerFor = -1;
  private transient StreamRecord<Batch> reuse;

  @Override
  public void open() throws Exception {
    super.open();
    batcher = new Batcher();
    reuse = new StreamRecord<>(null);
    getMetricGroup().gauge("openBatchRecords", () -> batcher.size());
  }

  @Override
  public void processElement(StreamRecord<RoutedLine> element) throws Exception {
    long now = getProcessingTimeService().getCurrentProcessingTime();
    Batch b = batcher.add(element.getValue(), now);
    if (b != null) emit(b);
    long deadline = batcher.deadlineMs();
    if (deadline >= 0 && deadline != timerFor) {
      timerFor = deadline;
      final long d = deadline;
      getProcessingTimeService().registerTimer(d, ts -> onTimer(d));
    }
  }

  private void onTimer(long deadline) {
    if (deadline != timerFor) return; // superseded
    timerFor = -1;
    Batch b = batcher.onTime(getProcessingTimeService().getCurrentProcessingTime());
    if (b != null) emit(b);
    long next = batcher.deadlineMs();
    if (next >= 0) {
      timerFor = next;
      getProcessingTimeService().registerTimer(next, ts -> onTimer(next));
    }
  }

  private void emit(Batch b) {
    output.collect(reuse.replace(b));
  }

  @Override
  public void endInput() {
    Batch b = batcher.flush();
    if (b != null) emit(b);
    timerFor = -1;
  }
}
