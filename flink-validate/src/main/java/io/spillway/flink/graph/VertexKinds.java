package io.spillway.flink.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The registry of vertex kinds: scenario {@code kind} → {@link VertexKind}. The built-in kinds are the scenario
 * schema's: source (the trace replay), map, flatMap, filter ({@link RecordOp}), window ({@link WindowOperator}) and
 * sink ({@link GraphSink}). Another package adds a kind with one {@link #register} call before the job is built
 * (e.g. from a static initialiser its Main touches); an unknown kind is a one-line config error naming the vertex.
 */
public final class VertexKinds {
  private static final Map<String, VertexKind> KINDS = new LinkedHashMap<>();

  static {
    register("source", BuiltinKinds.SOURCE);
    register("map", BuiltinKinds.MAP);
    register("flatMap", BuiltinKinds.FLAT_MAP);
    register("filter", BuiltinKinds.FILTER);
    register("window", BuiltinKinds.WINDOW);
    register("sink", BuiltinKinds.SINK);
  }

  private VertexKinds() {}

  /** Adds or replaces a kind. */
  public static synchronized void register(String kind, VertexKind impl) { KINDS.put(kind, impl); }

  /** The kind's builder; IllegalArgumentException naming {@code field} when there is none. */
  public static synchronized VertexKind get(String kind, String field) {
    VertexKind k = KINDS.get(kind);
    if (k == null) throw new IllegalArgumentException(field + ".kind: the job cannot build \"" + kind + "\" (known: " + String.join(", ", KINDS.keySet()) + ")");
    return k;
  }

  public static synchronized Set<String> known() { return Set.copyOf(KINDS.keySet()); }
}
