package io.spillway.flink.graph;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scenario's dataflow graph in the job config ({@code "graph"}; written by src/live/validate/job-config.ts). Field
 * names follow the scenario file, so a bad field is named the same way on both sides. See flink-validate/README.md,
 * "Scenario graphs".
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class GraphSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Flink chains forward edges between equal parallelisms unless this is false (the scenario's {@code chaining}). */
  @JsonProperty("chaining") public boolean chaining = true;
  @JsonProperty("keys") public Keys keys = new Keys();
  @JsonProperty("vertices") public List<Vertex> vertices = new ArrayList<>();
  @JsonProperty("edges") public List<Edge> edges = new ArrayList<>();
  /** The offload point (its function settings are the job config's {@code offload}); null = none. */
  @JsonProperty("offload") public OffloadPoint offload;

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class Keys implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("count") public int count = 1;
    @JsonProperty("zipf_s") public double zipfS = 0;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class Vertex implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("id") public String id;
    @JsonProperty("kind") public String kind;
    @JsonProperty("parallelism") public int parallelism = 1;
    /** The scenario's service-time distribution, ms (wait mode draws from it). */
    @JsonProperty("service_ms") public Map<String, Object> serviceMs;
    /** Its mean, µs (cpu mode spins this long per record). */
    @JsonProperty("work_us_per_record") public long workUsPerRecord;
    /** Records out per record in (flatMap: any count law; filter: bernoulli). */
    @JsonProperty("selectivity") public Map<String, Object> selectivity;
    @JsonProperty("window") public Window window;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class Window implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("size_ms") public long sizeMs;
    /** count (records per window and key) or sum (of each record's {@link Rec#value}). */
    @JsonProperty("aggregate") public String aggregate = "count";
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class Edge implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("from") public String from;
    @JsonProperty("to") public String to;
    /** forward | rebalance | hash (hash = keyBy the record's key). */
    @JsonProperty("partitioning") public String partitioning;
    /** false = never chain this edge. */
    @JsonProperty("chain") public Boolean chain;
  }

  @JsonIgnoreProperties(ignoreUnknown = false)
  public static class OffloadPoint implements Serializable {
    private static final long serialVersionUID = 1L;
    @JsonProperty("vertex") public String vertex;
    /** A window's offload always merges partial aggregates into the window state ("partial-aggregate"). */
    @JsonProperty("merge") public String merge = "partial-aggregate";
  }

  public Vertex vertex(String id) {
    for (Vertex v : vertices) if (v.id.equals(id)) return v;
    return null;
  }
}
