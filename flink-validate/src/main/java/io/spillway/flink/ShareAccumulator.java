package io.spillway.flink;

import java.io.Serializable;

/**
 * Deterministic share routing: credit += share per record; when credit reaches 1 the record is offloaded and credit
 * drops by 1. Over any run of records the offloaded count differs from share * count by less than one record.
 */
public final class ShareAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double EPS = 1e-9;
  private double credit;
  private long offloaded;
  private long local;

  public boolean next(double share) {
    double s = Double.isFinite(share) ? Math.max(0.0, Math.min(1.0, share)) : 0.0;
    credit += s;
    if (credit >= 1.0 - EPS) {
      credit -= 1.0;
      if (credit < 0) credit = 0;
      offloaded++;
      return true;
    }
    local++;
    return false;
  }

  public double credit() { return credit; }
  public long offloaded() { return offloaded; }
  public long local() { return local; }
}
