package io.spillway.flink.graph;

import io.spillway.flink.JobConfig;
import io.spillway.flink.Trace;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What a {@link VertexKind} may use while building: the environment, the whole config, and shared helpers. */
public final class GraphContext {
  public final StreamExecutionEnvironment env;
  public final JobConfig cfg;
  public final GraphSpec graph;
  public final Trace trace;
  public final Draws.Keys keys;
  /** Vertex ids whose first operator must start a new chain (an input edge says {@code "chain": false}). */
  final java.util.Set<String> newChain = new java.util.HashSet<>();

  GraphContext(StreamExecutionEnvironment env, JobConfig cfg) {
    this.env = env;
    this.cfg = cfg;
    this.graph = cfg.graph;
    this.trace = cfg.traceModel();
    this.keys = new Draws.Keys(cfg.graph.keys.count, cfg.graph.keys.zipfS);
  }

  /** The work of one record of {@code v} in the job's work mode (tokenizer.mode: cpu or wait). */
  public Work work(GraphSpec.Vertex v) {
    return new Work(cfg.tokenizer.waits(), v.workUsPerRecord, v.serviceMs);
  }

  /** Names the operator by the vertex id (Flink REST shows it so; validate maps vertices by it), sets parallelism and chaining. */
  public <T> SingleOutputStreamOperator<T> place(SingleOutputStreamOperator<T> op, GraphSpec.Vertex v) {
    op.name(v.id).uid(v.id).setParallelism(v.parallelism);
    if (newChain.contains(v.id)) op.startNewChain();
    return op;
  }

  public boolean offloads(GraphSpec.Vertex v) {
    return graph.offload != null && v.id.equals(graph.offload.vertex) && cfg.offload.enabled;
  }
}
