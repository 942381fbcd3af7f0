package io.spillway.flink.source;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Batches routed raw records (count or max wait, processing time). A watermark first flushes the open batch: records
 * held here must not fall behind it, or the windows downstream would drop them as late. A batch carries the largest
 * timestamp of its records (the function's results get their own event times back after the join).
 */
public class RawBatcher extends AbstractStreamOperator<RawBatch>
    implements OneInputStreamOperator<RawEvent, RawBatch>, BoundedOneInput {
  private static final long serialVersionUID = 1L;
  private final int maxRecords;
  private final long maxWaitMs;
  private transient RawBatch open;
  private transient long maxTs;
  private transient long generation;

  public RawBatcher(int maxRecords, long maxWaitMs) {
    this.maxRecords = maxRecords;
    this.maxWaitMs = maxWaitMs;
  }

  @Override
  public void processElement(StreamRecord<RawEvent> e) {
    if (open == null) {
      open = new RawBatch();
      maxTs = Long.MIN_VALUE;
      long gen = ++generation;
      long now = getProcessingTimeService().getCurrentProcessingTime();
      getProcessingTimeService().registerTimer(now + maxWaitMs, ts -> {
        if (gen == generation) flush();
      });
    }
    open.records.add(e.getValue());
    if (e.hasTimestamp()) maxTs = Math.max(maxTs, e.getTimestamp());
    if (open.records.size() >= maxRecords) flush();
  }

  private void flush() {
    if (open == null) return;
    RawBatch b = open;
    open = null;
    generation++;
    output.collect(maxTs == Long.MIN_VALUE ? new StreamRecord<>(b) : new StreamRecord<>(b, maxTs));
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void endInput() { flush(); }
}
