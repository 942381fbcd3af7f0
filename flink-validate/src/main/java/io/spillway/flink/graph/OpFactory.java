package io.spillway.flink.graph;

import java.io.Serializable;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;

/**
 * Creates a graph operator with its {@link StreamOperatorParameters} (which carry the task's mailbox executor, how
 * an offloading window brings the function's answers back into its task thread). Chains like a user function.
 */
public final class OpFactory extends AbstractStreamOperatorFactory<Rec> implements OneInputStreamOperatorFactory<Rec, Rec> {
  private static final long serialVersionUID = 1L;

  /** Builds the operator; serializable (a lambda over serializable settings). */
  public interface Maker extends Serializable {
    StreamOperator<Rec> make(StreamOperatorParameters<Rec> params);
  }

  private final Maker maker;
  private final Class<? extends StreamOperator> type;

  public OpFactory(Maker maker, Class<? extends StreamOperator> type) {
    this.maker = maker;
    this.type = type;
    setChainingStrategy(ChainingStrategy.ALWAYS);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends StreamOperator<Rec>> T createStreamOperator(StreamOperatorParameters<Rec> params) {
    return (T) maker.make(params);
  }

  @Override
  public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader cl) { return type; }
}
