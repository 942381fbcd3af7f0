package io.spillway.flink.graph;

import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * How one kind of scenario vertex becomes Flink operators: the extension point for new kinds (Nexmark or YSB sources
 * and operators, a PyFlink operator, ...). Register an implementation under the scenario's {@code kind} with
 * {@link VertexKinds#register}; the builder then wires it like any other (partitioning, chaining, naming by id).
 */
public interface VertexKind {
  /** What the kind is wired as: a source has no input, a sink no output. */
  enum Role { SOURCE, OPERATOR, SINK }

  Role role();

  /**
   * Checks the vertex's settings before anything is built; throws IllegalArgumentException with one line naming the
   * field, e.g. {@code graph.vertices[2].window.size_ms must be > 0}. {@code field} is the vertex's path.
   */
  default void check(GraphContext ctx, GraphSpec.Vertex v, String field) {}

  /**
   * Builds the vertex. {@code input}: the union of its inputs, already partitioned as the edges say (null for a
   * source). Name and uid every operator with {@code v.id} and apply parallelism and chaining through
   * {@link GraphContext#place}. Returns the output (null for a sink).
   */
  DataStream<Rec> build(GraphContext ctx, GraphSpec.Vertex v, DataStream<Rec> input);
}
