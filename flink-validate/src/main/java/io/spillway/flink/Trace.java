package io.spillway.flink;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Piecewise-constant rate trace {@code [[t_s, rate], ...]} over {@code [0, duration_s)}.
 *
 * <p>N(t) = integral of the rate from 0 to t. Record n (0-based, global) has intended arrival offset
 * {@code t_n = inf{t : N(t) > n}}; the run generates every n with {@code t_n < duration_s}, i.e.
 * {@code total = ceil(N(duration_s))}. Intended epoch time = {@code t0Ms + floor(t_n * 1000)}.
 */
public final class Trace implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double EPS = 1e-9;

  private final double[] starts;
  private final double[] rates;
  private final double[] cum; // N(starts[i])
  private final double durationS;
  private final long total;

  public Trace(List<double[]> points, double durationS) {
    if (durationS <= 0) throw new IllegalArgumentException("duration_s must be > 0");
    if (points == null || points.isEmpty()) throw new IllegalArgumentException("trace must have at least one point");
    List<double[]> kept = new ArrayList<>();
    double prev = -1;
    for (double[] p : points) {
      if (p.length != 2) throw new IllegalArgumentException("trace points are [t_s, rate]");
      if (p[0] < 0 || p[1] < 0 || !Double.isFinite(p[0]) || !Double.isFinite(p[1]))
        throw new IllegalArgumentException("trace point must be finite and >= 0: [" + p[0] + "," + p[1] + "]");
      if (p[0] <= prev) throw new IllegalArgumentException("trace times must be strictly increasing");
      prev = p[0];
      if (p[0] < durationS) kept.add(p);
    }
    if (kept.isEmpty() || kept.get(0)[0] != 0.0) {
      // rate before the first point is 0
      kept.add(0, new double[] {0.0, 0.0});
    }
    int k = kept.size();
    starts = new double[k];
    rates = new double[k];
    cum = new double[k + 1];
    for (int i = 0; i < k; i++) {
      starts[i] = kept.get(i)[0];
      rates[i] = kept.get(i)[1];
    }
    for (int i = 0; i < k; i++) {
      double end = i + 1 < k ? starts[i + 1] : durationS;
      cum[i + 1] = cum[i] + rates[i] * (end - starts[i]);
    }
    this.durationS = durationS;
    this.total = (long) Math.ceil(cum[k] - EPS);
  }

  public double durationS() { return durationS; }

  /** Number of records the run generates. */
  public long total() { return total; }

  /** N(t): expected cumulative arrivals by offset t (seconds). */
  public double cumulative(double t) {
    if (t <= 0) return 0;
    if (t >= durationS) return cum[cum.length - 1];
    int i = segmentAt(t);
    return cum[i] + rates[i] * (t - starts[i]);
  }

  /** Records whose intended offset is <= t (seconds), capped at total. */
  public long dueBy(double t) {
    double n = cumulative(t);
    long c = (long) Math.ceil(n - EPS);
    return Math.max(0, Math.min(total, c));
  }

  /** Intended arrival offset of record n in seconds. */
  public double offsetS(long n) {
    if (n < 0 || n >= total) throw new IllegalArgumentException("seq out of range: " + n);
    // first segment i with cum[i+1] > n and rate > 0
    int lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid + 1] > n + EPS) hi = mid; else lo = mid + 1;
    }
    int i = lo;
    while (i < starts.length - 1 && rates[i] == 0) i++;
    double t = starts[i] + (n - cum[i]) / rates[i];
    return Math.max(starts[i], t);
  }

  /** Intended offset of record n in whole milliseconds: floor(t_n * 1000). */
  public long offsetMs(long n) {
    return (long) Math.floor(offsetS(n) * 1000.0 + 1e-6);
  }

  /** Expected arrivals in second bucket [s, s+1) (from the trace, counted by record offsets). */
  private int segmentAt(double t) {
    int lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}
