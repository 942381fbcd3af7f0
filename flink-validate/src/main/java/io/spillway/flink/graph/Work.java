package io.spillway.flink.graph;

import io.spillway.flink.LocalTokenizer;
import io.spillway.flink.ServiceWait;
import io.spillway.flink.Tokenizer;
import io.spillway.flink.WorkSampler;
import java.io.Serializable;
import java.util.Map;

/**
 * One vertex's per-record work in the validation's work modes (docs/VALIDATION.md, "Work modes"): {@code cpu} spins
 * the mean ({@code work_us_per_record}); {@code wait} parks the task thread for a draw from the scenario's
 * {@code service_ms}, a seeded stream per vertex and subtask.
 */
public final class Work implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long workUs;
  private final WorkSampler law;
  private final double factor;
  private transient WorkSampler draws;
  private transient ServiceWait wait;

  /** {@code waits}: wait mode; {@code serviceMs} may be null (then a deterministic workUs). */
  public Work(boolean waits, long workUs, Map<String, Object> serviceMs) {
    this(waits, workUs, serviceMs, 1.0);
  }

  private Work(boolean waits, long workUs, Map<String, Object> serviceMs, double factor) {
    this.workUs = workUs;
    this.factor = factor;
    this.law = waits
        ? new WorkSampler(serviceMs != null ? serviceMs : Map.of("type", "deterministic", "value", workUs / 1000.0))
        : null;
  }

  public Work open(long seed, String vertexId, int subtask) {
    if (law != null) {
      draws = new WorkSampler(law.spec()).seeded(LocalTokenizer.streamSeed(seed, vertexId, subtask));
      wait = new ServiceWait();
    }
    return this;
  }

  public boolean waits() { return law != null; }

  /** The same law scaled by {@code factor} (the function's work_factor), for another stream (the function's). */
  public Work scaled(double factor) {
    return new Work(law != null, Math.round(workUs * factor), law != null ? law.spec() : null, factor);
  }

  public long workUs() { return workUs; }

  /** Next record's service time, ms (wait mode draws; cpu mode the fixed mean). */
  public double nextMs() { return draws != null ? draws.nextMs() * factor : workUs / 1000.0; }

  /** Does one record's work in the calling thread. */
  public void doOne() {
    if (wait != null) wait.hold(draws.nextMs());
    else Tokenizer.burn(workUs);
  }
}
