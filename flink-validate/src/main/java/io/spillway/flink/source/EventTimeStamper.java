package io.spillway.flink.source;

import java.io.Serializable;
import java.util.function.ToLongFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gives each record its own event time again, keeping the upstream watermarks (an assignTimestampsAndWatermarks would
 * drop them): records back from the function carry their batch's timestamp, not their own.
 */
public class EventTimeStamper<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
  private static final long serialVersionUID = 1L;

  /** Serializable event-time extractor. */
  public interface Extractor<T> extends ToLongFunction<T>, Serializable {}

  private final Extractor<T> time;

  public EventTimeStamper(Extractor<T> time) { this.time = time; }

  @Override
  public void processElement(StreamRecord<T> e) {
    output.collect(e.replace(e.getValue(), time.applyAsLong(e.getValue())));
  }
}
