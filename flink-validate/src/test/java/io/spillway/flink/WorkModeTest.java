package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.offload.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wait mode's service-time draws (the scenario's laws, seeded) and its payload field; no timing is asserted. */
class WorkModeTest {
  private static double mean(WorkSampler s, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) sum += s.nextMs();
    return sum / n;
  }

  @Test
  void drawsFollowTheScenarioLaws() {
    int n = 200_000;
    assertEquals(1.0, mean(new WorkSampler(Map.of("type", "lognormal", "mean", 1.0, "cv", 0.3)).seeded(1), n), 0.01);
    assertEquals(2.0, mean(new WorkSampler(Map.of("type", "exponential", "mean", 2.0)).seeded(2), n), 0.03);
    assertEquals(3.0, mean(new WorkSampler(Map.of("type", "gamma", "shape", 0.5, "mean", 3.0)).seeded(3), n), 0.05);
    assertEquals(1.5, mean(new WorkSampler(Map.of("type", "erlang", "k", 3, "mean", 1.5)).seeded(4), n), 0.02);
    assertEquals(2.5, mean(new WorkSampler(Map.of("type", "uniform", "min", 1, "max", 4)).seeded(5), n), 0.02);
    // weibull(shape 1) is exponential(scale)
    assertEquals(0.7, mean(new WorkSampler(Map.of("type", "weibull", "shape", 1, "scale", 0.7)).seeded(6), n), 0.01);
    assertEquals(0.25, new WorkSampler(Map.of("type", "deterministic", "value", 0.2, "shift", 0.05)).seeded(7).nextMs(), 1e-12);
    // empirical: uniform between the two quantile points
    assertEquals(1.5, mean(new WorkSampler(Map.of("type", "empirical", "quantiles", List.of(List.of(0, 1), List.of(1, 2)))).seeded(8), n), 0.01);
    // lognormal by median: the median of the draws
    WorkSampler med = new WorkSampler(Map.of("type", "lognormal", "median", 2.0, "sigma", 0.5)).seeded(9);
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) xs[i] = med.nextMs();
    java.util.Arrays.sort(xs);
    assertEquals(2.0, xs[n / 2], 0.02);
  }

  @Test
  void sameSeedSameStreamAndSubtasksDiffer() {
    Map<String, Object> spec = Map.of("type", "lognormal", "mean", 1.0, "cv", 0.3);
    WorkSampler a = new WorkSampler(spec).seeded(LocalTokenizer.streamSeed(7, "tokenizer", 0));
    WorkSampler b = new WorkSampler(spec).seeded(LocalTokenizer.streamSeed(7, "tokenizer", 0));
    WorkSampler c = new WorkSampler(spec).seeded(LocalTokenizer.streamSeed(7, "tokenizer", 1));
    double x = a.nextMs();
    assertEquals(x, b.nextMs());
    assertNotEquals(x, c.nextMs());
  }

  /** A valid config's start, so only the field under test can be refused. */
  private static final String T = "{\"trace\":[[0,1]],\"";

  @Test
  void badSpecsAndModesAreRefused() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new WorkSampler(Map.of("type", "zipf")));
    assertThrows(IllegalArgumentException.class, () -> new WorkSampler(Map.of("type", "exponential")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(T + "tokenizer\":{\"mode\":\"sleep\"}}"));
    assertEquals("tokenizer.mode must be cpu or wait", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(T + "tokenizer\":{\"mode\":\"wait\",\"service_ms\":{\"type\":\"gamma\"}}}"));
    assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(T + "offload\":{\"work_factor\":0}}"));
    JobConfig ok = JobConfig.parse(T + "tokenizer\":{\"mode\":\"wait\",\"work_us_per_record\":1500}}");
    assertEquals(1.5, ok.tokenizer.sampler().seeded(1).nextMs(), 1e-12); // no service_ms: deterministic mean
  }

  @Test
  void waitModeRequestCarriesTheBatchHold() {
    Line l = new Line();
    l.seq = 1; l.t = 2; l.text = "a";
    String wait = new String(Payloads.encodeRequest(0, 12.5, new Line[] {l}), StandardCharsets.UTF_8);
    assertTrue(wait.contains("\"work_us_per_record\":0,\"wait_ms\":12.5,"), wait);
    String cpu = new String(Payloads.encodeRequest(1000, new Line[] {l}), StandardCharsets.UTF_8);
    assertFalse(cpu.contains("wait_ms"), cpu);
  }
}
