package io.spillway.flink.source;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * {@code shape.source_offload}: the share of read records whose parse-and-filter goes to the function, and how they
 * are batched. The function (name, endpoint, attempts) is the job config's {@code offload} block.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class SourceOffloadCfg implements Serializable {
  private static final long serialVersionUID = 1L;
  @JsonProperty("share") public double share = 0.5;
  @JsonProperty("batch_records") public int batchRecords = 100;
  @JsonProperty("max_wait_ms") public long maxWaitMs = 20;
  @JsonProperty("async_capacity") public int asyncCapacity = 64;
  /** The function's work per record relative to the local parse (work_us of parse_filter x work_factor). */
  @JsonProperty("work_factor") public double workFactor = 1.0;

  public void validate() {
    if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("shape.source_offload.share must be in [0, 1]");
    if (batchRecords < 1) throw new IllegalArgumentException("shape.source_offload.batch_records must be >= 1");
    if (maxWaitMs < 1) throw new IllegalArgumentException("shape.source_offload.max_wait_ms must be >= 1");
    if (asyncCapacity < 1) throw new IllegalArgumentException("shape.source_offload.async_capacity must be >= 1");
    if (!(workFactor > 0) || !Double.isFinite(workFactor))
      throw new IllegalArgumentException("shape.source_offload.work_factor must be > 0");
  }
}
