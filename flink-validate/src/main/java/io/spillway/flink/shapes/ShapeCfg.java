package io.spillway.flink.shapes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job config's {@code shape} block: which benchmark shape to run instead of the tokenizer job, and per scenario
 * vertex id its parallelism and busy-spin work (us per record, the scenario's mean service time; cpu work mode).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class ShapeCfg implements Serializable {
  private static final long serialVersionUID = 1L;
  /** nexmark-q1, nexmark-q5 or ysb. */
  @JsonProperty("name") public String name;
  @JsonProperty("window_ms") public long windowMs = 10_000;
  /** Vertex id → parallelism (missing: 1; the sink is always 1). */
  @JsonProperty("parallelism") public Map<String, Integer> parallelism = new LinkedHashMap<>();
  /** Vertex id → busy-spin us per record (missing: 0). */
  @JsonProperty("work_us") public Map<String, Long> workUs = new LinkedHashMap<>();
  /** YSB only: offload at the source (the parse and filter of a share of the read records go to the function). */
  @JsonProperty("source_offload") public io.spillway.flink.source.SourceOffloadCfg sourceOffload;
  /** Set by Shapes.build from the job config: the function (offload block) and the output directory. */
  @com.fasterxml.jackson.annotation.JsonIgnore public io.spillway.flink.JobConfig.OffloadCfg function;
  @com.fasterxml.jackson.annotation.JsonIgnore public String outputDir;

  public int parallelism(String vertex) { return parallelism.getOrDefault(vertex, 1); }

  public long workUs(String vertex) { return workUs.getOrDefault(vertex, 0L); }

  /** One line naming the field that is wrong. */
  public void validate() {
    if (name == null || Shapes.byName(name) == null)
      throw new IllegalArgumentException("shape.name must be one of " + Shapes.NAMES + ", got " + name);
    if (sourceOffload != null) {
      if (!"ysb".equals(name)) throw new IllegalArgumentException("shape.source_offload is only supported by the ysb shape");
      sourceOffload.validate();
    }
    if (windowMs < 1) throw new IllegalArgumentException("shape.window_ms must be >= 1");
    java.util.Set<String> ids = new java.util.HashSet<>(Shapes.byName(name).vertices(this));
    ids.add(Shape.SOURCE);
    for (String k : parallelism.keySet())
      if (!ids.contains(k)) throw new IllegalArgumentException("shape.parallelism." + k + ": the " + name + " job has no such vertex (has " + ids + ")");
    for (String k : workUs.keySet())
      if (!ids.contains(k)) throw new IllegalArgumentException("shape.work_us." + k + ": the " + name + " job has no such vertex (has " + ids + ")");
    parallelism.forEach((k, v) -> {
      if (v == null || v < 1) throw new IllegalArgumentException("shape.parallelism." + k + " must be >= 1");
    });
    workUs.forEach((k, v) -> {
      if (v == null || v < 0) throw new IllegalArgumentException("shape.work_us." + k + " must be >= 0");
    });
  }
}
