package io.spillway.flink.graph;

import io.spillway.flink.JobConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the DataStream job the config's {@code graph} describes: each vertex by its kind ({@link VertexKinds}), in
 * topological order, its inputs unioned and partitioned as its edges say (forward, rebalance, hash = keyBy the
 * record's key), chaining as Flink does unless the scenario turns it off ({@code chaining: false}) or an edge says
 * {@code "chain": false}. Every operator is named and uid'd by its vertex id.
 */
public final class GraphBuilder {
  private GraphBuilder() {}

  public static void build(StreamExecutionEnvironment env, JobConfig cfg) {
    GraphContext ctx = new GraphContext(env, cfg);
    List<GraphSpec.Vertex> order = check(ctx);
    if (!ctx.graph.chaining) env.disableOperatorChaining();
    Map<String, DataStream<Rec>> out = new HashMap<>();
    for (GraphSpec.Vertex v : order) {
      VertexKind kind = VertexKinds.get(v.kind, v.id);
      DataStream<Rec> in = kind.role() == VertexKind.Role.SOURCE ? null : inputOf(ctx, v, out);
      DataStream<Rec> o = kind.build(ctx, v, in);
      if (o != null) out.put(v.id, o);
    }
  }

  /** Checks the whole graph (one line naming the field on the first problem) and returns it in topological order. */
  public static List<GraphSpec.Vertex> check(JobConfig cfg) {
    return check(new GraphContext(null, cfg));
  }

  static List<GraphSpec.Vertex> check(GraphContext ctx) {
    GraphSpec g = ctx.graph;
    Map<String, Integer> index = new HashMap<>();
    int sources = 0, sinks = 0;
    for (int i = 0; i < g.vertices.size(); i++) {
      GraphSpec.Vertex v = g.vertices.get(i);
      String f = "graph.vertices[" + i + "]";
      if (v.id == null || v.id.isBlank()) throw new IllegalArgumentException(f + ".id is required");
      if (index.put(v.id, i) != null) throw new IllegalArgumentException(f + ".id: \"" + v.id + "\" is used twice");
      if (v.parallelism < 1) throw new IllegalArgumentException(f + ".parallelism must be >= 1");
      VertexKind k = VertexKinds.get(v.kind, f);
      k.check(ctx, v, f);
      if (k.role() == VertexKind.Role.SOURCE) sources++;
      if (k.role() == VertexKind.Role.SINK) sinks++;
    }
    if (sources != 1) throw new IllegalArgumentException("graph.vertices: the job replays one trace, so it needs exactly one source (found " + sources + ")");
    if (sinks != 1) throw new IllegalArgumentException("graph.vertices: the job needs exactly one sink (found " + sinks + ")");
    checkEdges(g, index);
    if (g.offload != null) checkOffload(g, index);
    return topological(g, index);
  }

  private static void checkEdges(GraphSpec g, Map<String, Integer> index) {
    Map<String, String> inPartitioning = new HashMap<>();
    for (int i = 0; i < g.edges.size(); i++) {
      GraphSpec.Edge e = g.edges.get(i);
      String f = "graph.edges[" + i + "]";
      GraphSpec.Vertex from = vertex(g, index, e.from, f + ".from"), to = vertex(g, index, e.to, f + ".to");
      if (VertexKinds.get(from.kind, f).role() == VertexKind.Role.SINK) throw new IllegalArgumentException(f + ".from: \"" + e.from + "\" is a sink");
      if (VertexKinds.get(to.kind, f).role() == VertexKind.Role.SOURCE) throw new IllegalArgumentException(f + ".to: \"" + e.to + "\" is a source");
      String p = e.partitioning;
      if (!"forward".equals(p) && !"rebalance".equals(p) && !"hash".equals(p))
        throw new IllegalArgumentException(f + ".partitioning must be forward, rebalance or hash");
      if ("forward".equals(p) && from.parallelism != to.parallelism)
        throw new IllegalArgumentException(f + ".partitioning: forward needs equal parallelism (" + e.from + " " + from.parallelism + ", " + e.to + " " + to.parallelism + ")");
      String before = inPartitioning.put(e.to, p);
      if (before != null && !before.equals(p))
        throw new IllegalArgumentException(f + ".partitioning: the inputs of \"" + e.to + "\" mix " + before + " and " + p + "; the job unions them first");
      if ("window".equals(to.kind) && !"hash".equals(p))
        throw new IllegalArgumentException(f + ".partitioning must be hash: \"" + e.to + "\" is a keyed window");
    }
  }

  private static void checkOffload(GraphSpec g, Map<String, Integer> index) {
    GraphSpec.Vertex v = vertex(g, index, g.offload.vertex, "graph.offload.vertex");
    if (!"window".equals(v.kind))
      throw new IllegalArgumentException("graph.offload.vertex: a scenario-built job offloads a window (partial aggregates); \"" + v.id + "\" is a " + v.kind + " (the tokenizer shape offloads its map/flatMap)");
    if (!"partial-aggregate".equals(g.offload.merge))
      throw new IllegalArgumentException("graph.offload.merge: a window's offload merges partial aggregates (\"partial-aggregate\"), not \"" + g.offload.merge + "\"");
  }

  private static GraphSpec.Vertex vertex(GraphSpec g, Map<String, Integer> index, String id, String field) {
    Integer i = id == null ? null : index.get(id);
    if (i == null) throw new IllegalArgumentException(field + ": no vertex \"" + id + "\"");
    return g.vertices.get(i);
  }

  private static List<GraphSpec.Vertex> topological(GraphSpec g, Map<String, Integer> index) {
    Map<String, Integer> indegree = new HashMap<>();
    for (GraphSpec.Edge e : g.edges) indegree.merge(e.to, 1, Integer::sum);
    List<GraphSpec.Vertex> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    for (int round = 0; order.size() < g.vertices.size(); round++) {
      boolean progress = false;
      for (GraphSpec.Vertex v : g.vertices) {
        if (done.contains(v.id) || indegree.getOrDefault(v.id, 0) > 0) continue;
        order.add(v);
        done.add(v.id);
        progress = true;
        for (GraphSpec.Edge e : g.edges) if (e.from.equals(v.id)) indegree.merge(e.to, -1, Integer::sum);
      }
      if (!progress) throw new IllegalArgumentException("graph.edges: the graph has a cycle or a vertex no source reaches");
    }
    for (GraphSpec.Vertex v : order) {
      boolean hasIn = g.edges.stream().anyMatch(e -> e.to.equals(v.id));
      if (!hasIn && VertexKinds.get(v.kind, v.id).role() != VertexKind.Role.SOURCE)
        throw new IllegalArgumentException("graph.vertices[" + index.get(v.id) + "]: \"" + v.id + "\" has no input edge");
    }
    return order;
  }

  /** The union of {@code v}'s inputs, partitioned as its edges say. */
  private static DataStream<Rec> inputOf(GraphContext ctx, GraphSpec.Vertex v, Map<String, DataStream<Rec>> out) {
    DataStream<Rec> in = null;
    String partitioning = null;
    for (GraphSpec.Edge e : ctx.graph.edges) {
      if (!e.to.equals(v.id)) continue;
      DataStream<Rec> s = out.get(e.from);
      in = in == null ? s : in.union(s);
      partitioning = e.partitioning;
      if (Boolean.FALSE.equals(e.chain)) ctx.newChain.add(v.id);
    }
    switch (partitioning) {
      case "forward": return in.forward();
      case "rebalance": return in.rebalance();
      default: return in.keyBy(new RecKey());
    }
  }

  /** hash partitioning: by the record's key. */
  static final class RecKey implements org.apache.flink.api.java.functions.KeySelector<Rec, Long> {
    private static final long serialVersionUID = 1L;
    @Override public Long getKey(Rec r) { return r.key; }
  }
}
