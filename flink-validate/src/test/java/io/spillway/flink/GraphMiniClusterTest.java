package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario-built jobs on a MiniCluster: every source record accounted for, and a window offloading half its records
 * (partial aggregates, merged into its state) gives exactly the local-only run's results (same digest), also when
 * the function fails (retries, then fallbacks) or answers a wrong count.
 */
class GraphMiniClusterTest {
  private static final ObjectMapper M = new ObjectMapper();

  /** source(2) -hash-> window(2, 250 ms) -rebalance-> sink; 3 s at 1,000/s with a 3,000/s second: 5,000 records. */
  static String windowJob(Path out, String offload, String graphOffload) throws Exception {
    return "{\"seed\":3,\"duration_s\":3,\"trace\":[[0,1000],[1,3000],[2,1000]],\"start_delay_ms\":300,"
        + "\"buffer_timeout_ms\":20,\"rest_port\":" + JobMiniClusterTest.freePort() + ",\"output_dir\":"
        + M.writeValueAsString(out.toString()) + ",\"offload\":" + offload + ",\"graph\":{" + graphOffload
        + "\"keys\":{\"count\":20,\"zipf_s\":1},\"vertices\":["
        + "{\"id\":\"bids\",\"kind\":\"source\",\"parallelism\":2},"
        + "{\"id\":\"per_key\",\"kind\":\"window\",\"parallelism\":2,\"work_us_per_record\":20,\"window\":{\"size_ms\":250}},"
        + "{\"id\":\"sink\",\"kind\":\"sink\",\"parallelism\":1}],\"edges\":["
        + "{\"from\":\"bids\",\"to\":\"per_key\",\"partitioning\":\"hash\"},"
        + "{\"from\":\"per_key\",\"to\":\"sink\",\"partitioning\":\"rebalance\"}]}}";
  }

  static JsonNode run(Path dir, String json) throws Exception {
    Path cfg = dir.resolve("job-" + System.nanoTime() + ".json");
    Files.writeString(cfg, json);
    assertEquals(0, Main.run(new String[] {"--config", cfg.toString()}));
    return M.readTree(Path.of(M.readTree(json).get("output_dir").asText()).resolve("summary.json").toFile());
  }

  /** As {@link #run}, whatever the job's exit code (3 when its own checks fail; the summary is written anyway). */
  static JsonNode runAnyExit(Path dir, String json) throws Exception {
    Path cfg = dir.resolve("job-" + System.nanoTime() + ".json");
    Files.writeString(cfg, json);
    Main.run(new String[] {"--config", cfg.toString()});
    return M.readTree(Path.of(M.readTree(json).get("output_dir").asText()).resolve("summary.json").toFile());
  }

  static void assertExact(JsonNode s) {
    assertTrue(s.get("ok").asBoolean(), s.toString());
    assertEquals(5000, s.get("records_generated").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(0, s.get("duplicated").asLong());
    assertEquals(0, s.get("window_order_violations").asLong());
    assertEquals(0, s.get("window_count_mismatches").asLong());
  }

  static String offloadTo(StubLambdaServer lambda) {
    return "{\"function_name\":\"f\",\"endpoint_url\":\"" + lambda.url() + "\",\"max_attempts\":2,\"backoff_base_ms\":5,"
        + "\"throttle_backoff_base_ms\":5,\"backoff_max_ms\":20,\"warmup\":false}";
  }

  @Test
  void offloadedWindowEqualsLocalOnlyWithAndWithoutFunctionErrors(@TempDir Path dir) throws Exception {
    JsonNode local = run(dir, windowJob(dir.resolve("local"), "{\"enabled\":false}", ""));
    assertExact(local);
    assertEquals(5000, local.get("window_records").asLong());
    assertEquals(0, local.get("offloaded").asLong());
    try (StubLambdaServer lambda = new StubLambdaServer(); StubControlServer control = new StubControlServer()) {
      String ctl = ",\"control\":{\"url\":\"" + control.url() + "\",\"poll_ms\":20}}";
      String off = "\"offload\":{\"vertex\":\"per_key\"},";
      JsonNode clean = run(dir, windowJob(dir.resolve("clean"), offloadTo(lambda), off).replaceFirst("}$", ctl));
      assertExact(clean);
      assertEquals(local.get("window_digest").asText(), clean.get("window_digest").asText());
      assertTrue(clean.get("offloaded").asLong() > 1000, clean.toString()); // share 0.5 once the first poll lands
      assertEquals(0, clean.get("fallbacks").asLong());

      // every 3rd call a function error, every 7th a wrong partial count: retried, or aggregated locally
      lambda.behaviour = n -> n % 3 == 0 ? StubLambdaServer.Mode.FUNCTION_ERROR
          : n % 7 == 0 ? StubLambdaServer.Mode.DROP_RECORD : StubLambdaServer.Mode.OK;
      JsonNode faulty = run(dir, windowJob(dir.resolve("faulty"), offloadTo(lambda), off).replaceFirst("}$", ctl));
      assertExact(faulty);
      assertEquals(local.get("window_digest").asText(), faulty.get("window_digest").asText());
      assertTrue(faulty.get("errors").asLong() > 0, faulty.toString());
      assertTrue(faulty.get("fallbacks").asLong() > 0, faulty.toString());
      assertEquals(5000, faulty.get("window_records").asLong());
    }
  }

  @Test
  void offloadedSumWindowEqualsLocalOnlyAlsoWhenTheFunctionAnswersWrongSums(@TempDir Path dir) throws Exception {
    String sumWindow = "\"window\":{\"size_ms\":250,\"aggregate\":\"sum\"}";
    JsonNode local = run(dir, windowJob(dir.resolve("sum-local"), "{\"enabled\":false}", "").replace("\"window\":{\"size_ms\":250}", sumWindow));
    assertExact(local);
    assertEquals(0, local.get("window_sum_mismatches").asLong());
    // every record's value is 1 + seq mod 100, over seqs 0..4999: 50 x (1 + ... + 100)
    assertEquals(50 * 5050, local.get("window_sum").asLong());
    assertNotEquals(countDigest(dir), local.get("window_digest").asText()); // the digest is over sums here
    try (StubLambdaServer lambda = new StubLambdaServer(); StubControlServer control = new StubControlServer()) {
      String ctl = ",\"control\":{\"url\":\"" + control.url() + "\",\"poll_ms\":20}}";
      String off = "\"offload\":{\"vertex\":\"per_key\"},";
      // every 3rd call a function error, every 5th a wrong partial sum: retried, or aggregated locally
      lambda.behaviour = n -> n % 3 == 0 ? StubLambdaServer.Mode.FUNCTION_ERROR
          : n % 5 == 0 ? StubLambdaServer.Mode.EXTRA_TOKEN : StubLambdaServer.Mode.OK;
      JsonNode faulty = runAnyExit(dir, windowJob(dir.resolve("sum-faulty"), offloadTo(lambda), off)
          .replace("\"window\":{\"size_ms\":250}", sumWindow).replaceFirst("}$", ctl));
      assertEquals(local.get("window_digest").asText(), faulty.get("window_digest").asText());
      assertExact(faulty);
      assertEquals(50 * 5050, faulty.get("window_sum").asLong());
      assertEquals(0, faulty.get("window_sum_mismatches").asLong());
      assertTrue(faulty.get("offloaded").asLong() > 1000, faulty.toString());
      assertTrue(faulty.get("fallbacks").asLong() > 0, faulty.toString());
    }
  }

  private static String countDigest(Path dir) throws Exception {
    return run(dir, windowJob(dir.resolve("count-local"), "{\"enabled\":false}", "")).get("window_digest").asText();
  }

  @Test
  void everyKindTogetherAccountsForEveryRecord(@TempDir Path dir) throws Exception {
    String json = GraphBuilderTest.graph("", "")
        .replace("\"rest_port\":0", "\"rest_port\":" + JobMiniClusterTest.freePort() + ",\"start_delay_ms\":300,\"output_dir\":"
            + M.writeValueAsString(dir.resolve("all").toString()));
    JsonNode s = run(dir, json);
    assertTrue(s.get("ok").asBoolean(), s.toString());
    assertEquals(1000, s.get("records_generated").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(0, s.get("duplicated").asLong());
    JsonNode again = run(dir, json.replace(dir.resolve("all").toString(), dir.resolve("again").toString()));
    assertEquals(s.get("window_digest").asText(), again.get("window_digest").asText());
    assertEquals(s.get("window_records").asLong(), again.get("window_records").asLong());
  }
}
