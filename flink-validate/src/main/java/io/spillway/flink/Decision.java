package io.spillway.flink;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The controller's decision, as served by GET controlUrl: {"version":n,"share":0..1,"batchRecords":n,"maxWaitMs":n,"maxInFlight":n}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class Decision implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public long version;
  public double share;
  public int batchRecords = 100;
  public long maxWaitMs = 50;
  public int maxInFlight = 8;
  /** Optional: when true the control source stops polling (the job may end). */
  public boolean fin;

  public Decision() {}

  public Decision(long version, double share, int batchRecords, long maxWaitMs, int maxInFlight) {
    this.version = version;
    this.share = share;
    this.batchRecords = batchRecords;
    this.maxWaitMs = maxWaitMs;
    this.maxInFlight = maxInFlight;
  }

  /** Clamps fields into their valid ranges. */
  public Decision sanitized() {
    Decision d = new Decision(version,
        Double.isFinite(share) ? Math.max(0.0, Math.min(1.0, share)) : 0.0,
        Math.max(1, batchRecords), Math.max(0, maxWaitMs), Math.max(1, maxInFlight));
    d.fin = fin;
    return d;
  }

  @Override
  public String toString() {
    return "Decision{v=" + version + ",share=" + share + ",batch=" + batchRecords + ",wait=" + maxWaitMs
        + ",inflight=" + maxInFlight + "}";
  }
}
