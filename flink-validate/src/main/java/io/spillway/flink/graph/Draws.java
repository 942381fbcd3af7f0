package io.spillway.flink.graph;

import java.io.Serializable;
import java.util.Map;

/**
 * Draws that are functions of the record, not of a stream: a record's key, a flatMap's output count and a filter's
 * verdict depend only on (seed, vertex, seq, part). So two runs of one scenario (local-only and offloading, any
 * parallelism, any arrival order) see the same data, and their window results can be compared exactly.
 */
public final class Draws {
  private Draws() {}

  /** SplitMix64's finaliser: a well-mixed 64-bit hash. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static long hash(long a, long b, long c, long d) {
    return mix(mix(mix(mix(a) ^ b) ^ c) ^ d);
  }

  /** Uniform in [0, 1). */
  public static double uniform(long seed, long salt, long seq, long part) {
    return (hash(seed, salt, seq, part) >>> 11) * 0x1.0p-53;
  }

  /** A stable salt from a vertex id (String.hashCode is specified, so every JVM agrees). */
  public static long salt(String id) { return mix(id.hashCode() * 0x9e3779b97f4a7c15L); }

  /** Zipf(count, s) keys 0..count-1 (s = 0: uniform), by inverse CDF. */
  public static final class Keys implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] cdf;

    public Keys(int count, double s) {
      if (count < 1) throw new IllegalArgumentException("graph.keys.count must be >= 1");
      cdf = new double[count];
      double sum = 0;
      for (int k = 0; k < count; k++) cdf[k] = sum += Math.pow(k + 1, -s);
      for (int k = 0; k < count; k++) cdf[k] /= sum;
    }

    public long key(double u) {
      int lo = 0, hi = cdf.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
  }

  /** A count law (the scenario's selectivity spec, src/engine/distributions.ts countSchema) drawn from uniforms. */
  public static final class Count implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String type;
    private final double a, b;
    private final double[] values, cdf;

    /** {@code field} names the spec in error messages, e.g. {@code vertices[2].selectivity}. */
    public Count(Map<String, Object> spec, String field) {
      type = String.valueOf(spec.get("type"));
      double[] v = null, c = null;
      switch (type) {
        case "deterministic": a = num(spec, "value", field); b = 0; break;
        case "bernoulli": case "poisson": a = num(spec, "bernoulli".equals(type) ? "p" : "mean", field); b = 0; break;
        case "binomial": a = num(spec, "n", field); b = num(spec, "p", field); break;
        case "uniform-int": a = num(spec, "min", field); b = num(spec, "max", field); break;
        case "empirical-pmf": {
          a = b = 0;
          java.util.List<?> vs = (java.util.List<?>) spec.get("values"), ws = (java.util.List<?>) spec.get("weights");
          if (vs == null || ws == null || vs.size() != ws.size() || vs.isEmpty())
            throw new IllegalArgumentException(field + ": empirical-pmf needs values and weights of one length");
          v = new double[vs.size()];
          c = new double[vs.size()];
          double sum = 0;
          for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) vs.get(i)).doubleValue();
            c[i] = sum += ((Number) ws.get(i)).doubleValue();
          }
          for (int i = 0; i < c.length; i++) c[i] /= sum;
          break;
        }
        default: throw new IllegalArgumentException(field + ".type: unknown count law \"" + type + "\"");
      }
      values = v;
      cdf = c;
    }

    private static double num(Map<String, Object> s, String k, String field) {
      Object o = s.get(k);
      if (!(o instanceof Number)) throw new IllegalArgumentException(field + "." + k + " must be a number");
      return ((Number) o).doubleValue();
    }

    /** The count for one record; {@code u(i)} gives independent uniforms for the record. */
    public int draw(java.util.function.IntToDoubleFunction u) {
      switch (type) {
        case "deterministic": { int n = (int) Math.floor(a); return u.applyAsDouble(0) < a - n ? n + 1 : n; }
        case "bernoulli": return u.applyAsDouble(0) < a ? 1 : 0;
        case "poisson": { // Knuth: multiply uniforms until below e^-mean (means here are small)
          double limit = Math.exp(-a), p = 1;
          int k = 0;
          while ((p *= u.applyAsDouble(k)) > limit && k < 10_000) k++;
          return k;
        }
        case "binomial": { int k = 0; for (int i = 0; i < (int) a; i++) if (u.applyAsDouble(i) < b) k++; return k; }
        case "uniform-int": return (int) a + (int) Math.floor(u.applyAsDouble(0) * ((int) b - (int) a + 1));
        default: {
          double x = u.applyAsDouble(0);
          for (int i = 0; i < cdf.length; i++) if (x < cdf[i]) return (int) values[i];
          return (int) values[values.length - 1];
        }
      }
    }
  }
}
