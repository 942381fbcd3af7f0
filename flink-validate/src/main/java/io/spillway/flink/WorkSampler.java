package io.spillway.flink;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Service times (ms) drawn from a scenario's distribution spec ({@code service_ms}, the same JSON the simulator reads:
 * deterministic, exponential, lognormal (mu/sigma, median/sigma, mean/cv), gamma (shape/scale, shape/mean), erlang,
 * weibull, uniform, normal (truncated at 0), empirical quantiles; optional {@code shift}) with a seeded stream. The
 * draws follow the same laws as src/engine/distributions.ts, not the same numbers: the simulator's stream is its own.
 */
public final class WorkSampler implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, Object> spec;
  private transient SplittableRandom rng;
  private transient Law law;

  private interface Law {
    double next(SplittableRandom r);
  }

  public WorkSampler(Map<String, Object> spec) {
    this.spec = spec;
    parse(spec); // validates
  }

  public Map<String, Object> spec() { return spec; }

  /** Starts the stream; each subtask passes its own seed so parallel subtasks draw independently. */
  public WorkSampler seeded(long seed) {
    rng = new SplittableRandom(seed);
    law = parse(spec);
    return this;
  }

  /** The next service time, ms (>= 0). */
  public double nextMs() {
    return Math.max(0.0, law.next(rng));
  }

  private static double num(Map<String, Object> s, String k) {
    Object v = s.get(k);
    if (!(v instanceof Number)) throw new IllegalArgumentException("service_ms." + k + " must be a number");
    double d = ((Number) v).doubleValue();
    if (!Double.isFinite(d)) throw new IllegalArgumentException("service_ms." + k + " must be finite");
    return d;
  }

  static Law parse(Map<String, Object> s) {
    if (s == null) throw new IllegalArgumentException("service_ms is required in wait mode");
    double shift = s.containsKey("shift") ? num(s, "shift") : 0.0;
    Law base = base(s);
    return shift == 0.0 ? base : r -> shift + base.next(r);
  }

  private static Law base(Map<String, Object> s) {
    String type = String.valueOf(s.get("type"));
    switch (type) {
      case "deterministic": { double v = num(s, "value"); return r -> v; }
      case "exponential": { double m = num(s, "mean"); return r -> -m * Math.log(1.0 - r.nextDouble()); }
      case "lognormal": {
        double mu, sigma;
        if (s.containsKey("mu")) { mu = num(s, "mu"); sigma = num(s, "sigma"); }
        else if (s.containsKey("median")) { mu = Math.log(num(s, "median")); sigma = num(s, "sigma"); }
        else {
          double cv = num(s, "cv");
          double s2 = Math.log(1 + cv * cv);
          mu = Math.log(num(s, "mean")) - s2 / 2;
          sigma = Math.sqrt(s2);
        }
        return r -> Math.exp(mu + sigma * gaussian(r));
      }
      case "gamma": {
        double k = num(s, "shape");
        double theta = s.containsKey("scale") ? num(s, "scale") : num(s, "mean") / k;
        return r -> gamma(r, k) * theta;
      }
      case "erlang": { double k = num(s, "k"); double theta = num(s, "mean") / k; return r -> gamma(r, k) * theta; }
      case "weibull": {
        double k = num(s, "shape");
        double l = num(s, "scale");
        return r -> l * Math.pow(-Math.log(1.0 - r.nextDouble()), 1.0 / k);
      }
      case "uniform": { double a = num(s, "min"); double b = num(s, "max"); return r -> a + (b - a) * r.nextDouble(); }
      case "normal": {
        double m = num(s, "mean");
        double sd = num(s, "sd");
        return r -> {
          for (int i = 0; i < 1000; i++) {
            double x = m + sd * gaussian(r);
            if (x >= 0) return x;
          }
          return Math.max(0, m);
        };
      }
      case "empirical": return empirical(s.get("quantiles"));
      default: throw new IllegalArgumentException("service_ms.type \"" + type + "\" is not a known distribution");
    }
  }

  private static Law empirical(Object q) {
    if (!(q instanceof List)) throw new IllegalArgumentException("service_ms.quantiles must be [[p, value], ...]");
    List<double[]> pts = new ArrayList<>();
    for (Object o : (List<?>) q) {
      List<?> pair = (List<?>) o;
      pts.add(new double[] {((Number) pair.get(0)).doubleValue(), ((Number) pair.get(1)).doubleValue()});
    }
    if (pts.size() < 2) throw new IllegalArgumentException("service_ms.quantiles needs at least 2 points");
    return r -> {
      double u = r.nextDouble();
      double[] lo = pts.get(0);
      if (u <= lo[0]) return lo[1];
      for (int i = 1; i < pts.size(); i++) {
        double[] hi = pts.get(i);
        if (u <= hi[0]) return hi[0] == lo[0] ? hi[1] : lo[1] + (hi[1] - lo[1]) * (u - lo[0]) / (hi[0] - lo[0]);
        lo = hi;
      }
      return lo[1];
    };
  }

  /** Standard normal by Box-Muller (one of the pair; simple, and the stream stays reproducible). */
  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Gamma(k, 1) by Marsaglia-Tsang (k < 1 boosted by U^(1/k)). */
  private static double gamma(SplittableRandom r, double k) {
    if (k < 1) return gamma(r, k + 1) * Math.pow(r.nextDouble(), 1.0 / k);
    double d = k - 1.0 / 3, c = 1.0 / Math.sqrt(9 * d);
    while (true) {
      double x = gaussian(r), v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = r.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
}
