package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short MiniCluster runs of the whole job (runs under Surefire; a few seconds of trace each). */
class JobMiniClusterTest {
  private static final ObjectMapper M = new ObjectMapper();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String baseConfig(Path out, String extra) throws Exception {
    return "{\"seed\":3,\"duration_s\":3,\"trace\":[[0,1000],[1,3000],[2,1000]],"
        + "\"start_delay_ms\":300,\"buffer_timeout_ms\":20,"
        + "\"parallelism\":{\"source\":2,\"router\":2,\"tokenizer\":2,\"offload\":2},"
        + "\"tokenizer\":{\"work_us_per_record\":20},"
        + "\"rest_port\":" + freePort() + ",\"output_dir\":" + M.writeValueAsString(out.toString()) + extra + "}";
  }

  private static JsonNode run(Path dir, String json, int expectedExit) throws Exception {
    Path cfg = dir.resolve("job.json");
    Files.writeString(cfg, json);
    int code = Main.run(new String[] {"--config", cfg.toString()});
    assertEquals(expectedExit, code);
    return M.readTree(dir.resolve("out").resolve("summary.json").toFile());
  }

  @Test
  void waitModeRunIsExact(@TempDir Path dir) throws Exception {
    String cfg = baseConfig(dir.resolve("out"), ",\"offload\":{\"enabled\":false}")
        .replace("\"tokenizer\":{\"work_us_per_record\":20}",
            "\"tokenizer\":{\"work_us_per_record\":20,\"mode\":\"wait\",\"service_ms\":{\"type\":\"exponential\",\"mean\":0.05}}");
    JsonNode s = run(dir, cfg, 0);
    assertTrue(s.get("ok").asBoolean());
    assertEquals(5000, s.get("records_emitted").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(0, s.get("duplicated").asLong());
    assertEquals(0, s.get("token_mismatches").asLong());
  }

  @Test
  void localOnlyRunIsExact(@TempDir Path dir) throws Exception {
    JsonNode s = run(dir, baseConfig(dir.resolve("out"), ",\"offload\":{\"enabled\":false}"), 0);
    assertTrue(s.get("ok").asBoolean());
    assertEquals(5000, s.get("records_generated").asLong());
    assertEquals(5000, s.get("records_emitted").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(0, s.get("duplicated").asLong());
    assertEquals(0, s.get("offloaded").asLong());
    assertEquals(0, s.get("token_mismatches").asLong());
    // Every record's latency is recorded, and the percentiles are ordered.
    JsonNode lat = s.get("latency_ms");
    assertEquals(5000, lat.get("count").asLong());
    double p50 = lat.get("p50").asDouble(), p99 = lat.get("p99").asDouble(), max = lat.get("max").asDouble();
    assertTrue(lat.get("min").asDouble() <= p50 && p50 <= p99 && p99 <= max, lat.toString());
    String ts = Files.readString(dir.resolve("out").resolve("timeseries.csv"));
    assertTrue(ts.startsWith("t_s,input_rps,emitted_rps,offloaded_rps"), ts);
    assertTrue(ts.contains("\n1,3000,"), ts);
    // per-record service times of the tokenizer (2 subtasks x 2500 records, all kept: below the cap), parts joined
    java.util.List<String> st = Files.readAllLines(dir.resolve("out").resolve("service_times.csv"));
    assertEquals("service_us,vertex", st.get(0));
    assertEquals(5001, st.size());
    assertTrue(Double.parseDouble(st.get(1).split(",")[0]) >= 20.0, st.get(1));
    assertTrue(st.get(1).endsWith(",tokenizer"), st.get(1));
    assertFalse(Files.exists(dir.resolve("out").resolve("service_times-0.csv")));
    assertFalse(Files.exists(dir.resolve("out").resolve("offload_batches.csv")));
  }

  @Test
  void offloadToStubEndpointWithThrottlesAndErrorsLosesNothing(@TempDir Path dir) throws Exception {
    try (StubLambdaServer lambda = new StubLambdaServer(); StubControlServer control = new StubControlServer()) {
      // every 4th call throttled, every 7th a function error, calls 20..22 all throttled (-> one fallback batch)
      lambda.behaviour = n -> n >= 20 && n <= 22 ? StubLambdaServer.Mode.THROTTLE
          : n % 4 == 0 ? StubLambdaServer.Mode.THROTTLE
          : n % 7 == 0 ? StubLambdaServer.Mode.FUNCTION_ERROR : StubLambdaServer.Mode.OK;
      control.decision = "{\"version\":1,\"share\":0.5,\"batchRecords\":50,\"maxWaitMs\":20,\"maxInFlight\":4}";
      String extra = ",\"control\":{\"url\":" + M.writeValueAsString(control.url()) + ",\"poll_ms\":100}"
          // initial share 0: every offloaded record proves the polled decision reached the routers
          + ",\"initial_decision\":{\"version\":0,\"share\":0.0,\"batchRecords\":50,\"maxWaitMs\":20,\"maxInFlight\":4}"
          + ",\"offload\":{\"function_name\":\"tok\",\"endpoint_url\":" + M.writeValueAsString(lambda.url())
          + ",\"mode\":\"unordered\",\"async_capacity\":16,\"attempt_timeout_ms\":3000,"
          + "\"backoff_base_ms\":1,\"throttle_backoff_base_ms\":2,\"backoff_max_ms\":20}";
      JsonNode s = run(dir, baseConfig(dir.resolve("out"), extra), 0);
      assertTrue(s.get("ok").asBoolean(), s.toString());
      assertEquals(5000, s.get("records_generated").asLong());
      assertEquals(5000, s.get("records_emitted").asLong());
      assertEquals(0, s.get("lost").asLong());
      assertEquals(0, s.get("duplicated").asLong());
      assertEquals(0, s.get("token_mismatches").asLong());
      // share 0.5 from the controller (0 until its first answer arrives), 2 router subtasks x 2500 records
      long routed = s.get("offloaded").asLong() + s.get("fallbacks").asLong();
      assertTrue(routed >= 1500 && routed <= 2500, "routed to offload: " + routed);
      assertTrue(s.get("offloaded").asLong() > 0);
      assertTrue(s.get("fallbacks").asLong() > 0, "calls 20..22 throttled -> at least one fallback batch");
      assertTrue(s.get("throttles").asLong() >= 3);
      assertTrue(s.get("cold_starts").asLong() >= 1);
      assertEquals(lambda.calls.get(), s.get("invocations").asLong());
      // stub: duration_ms 1.5 (billed 2) on every answer, init_ms 123 on the cold one
      long answered = s.get("invocations").asLong() - s.get("throttles").asLong() - s.get("errors").asLong();
      assertEquals(2 * answered, s.get("function_billed_ms").asLong());
      assertEquals(123 * s.get("cold_starts").asLong(), s.get("function_init_ms").asLong());
      assertTrue(control.polls.get() > 0);
      assertEquals(2, lambda.dryRuns.get(), "one warm-up DryRun per offload subtask");
      // every successful batch's timings, as the function reported them
      java.util.List<String> b = Files.readAllLines(dir.resolve("out").resolve("offload_batches.csv"));
      assertEquals(io.spillway.flink.offload.OffloadFunction.BATCHES_HEADER, b.get(0));
      assertEquals(s.get("invocations").asLong() - s.get("throttles").asLong() - s.get("errors").asLong(), b.size() - 1);
      long recs = 0;
      for (String row : b.subList(1, b.size())) {
        String[] c = row.split(",");
        recs += Long.parseLong(c[1]);
        assertEquals(1.5, Double.parseDouble(c[4]), 1e-9, row);
      }
      assertEquals(s.get("offloaded").asLong(), recs);
    }
  }

  /** Ordered merge (Flink's orderedWait): each offload subtask's results leave in its batches' input order, retries too. */
  @Test
  void orderedModeKeepsEachOffloadSubtasksInputOrder(@TempDir Path dir) throws Exception {
    try (StubLambdaServer lambda = new StubLambdaServer()) {
      // retried calls (throttles, function errors) come back after later batches: out of order unless merged in order
      lambda.behaviour = n -> n % 4 == 0 ? StubLambdaServer.Mode.THROTTLE : n % 7 == 0 ? StubLambdaServer.Mode.FUNCTION_ERROR : StubLambdaServer.Mode.OK;
      String extra = ",\"initial_decision\":{\"version\":1,\"share\":0.5,\"batchRecords\":20,\"maxWaitMs\":10,\"maxInFlight\":8}"
          + ",\"offload\":{\"function_name\":\"tok\",\"endpoint_url\":" + M.writeValueAsString(lambda.url())
          + ",\"mode\":\"ordered\",\"async_capacity\":16,\"attempt_timeout_ms\":3000,"
          + "\"backoff_base_ms\":5,\"throttle_backoff_base_ms\":10,\"backoff_max_ms\":40}";
      JsonNode s = run(dir, baseConfig(dir.resolve("out"), extra), 0);
      assertTrue(s.get("ok").asBoolean(), s.toString());
      assertEquals(0, s.get("lost").asLong());
      assertTrue(s.get("offloaded").asLong() > 1000, s.toString());
      assertTrue(s.get("throttles").asLong() > 0 && s.get("errors").asLong() > 0, s.toString());
      assertEquals(0, s.get("offload_order_violations").asLong(), s.toString());
    }
  }

  @Test
  void wrongTokenizerInTheFunctionFailsTheRunWithStatus3(@TempDir Path dir) throws Exception {
    try (StubLambdaServer lambda = new StubLambdaServer()) {
      // call 2 answers with a wrong token count; the batch holding seq 2008 (offloaded: share 0.2 takes every 5th record per subtask) is always throttled -> it falls back
      lambda.behaviour = n -> n == 2 ? StubLambdaServer.Mode.EXTRA_TOKEN : StubLambdaServer.Mode.OK;
      lambda.throttleSeq = 2008;
      String extra = ",\"initial_decision\":{\"version\":0,\"share\":0.2,\"batchRecords\":100,\"maxWaitMs\":20,\"maxInFlight\":2}"
          + ",\"offload\":{\"endpoint_url\":" + M.writeValueAsString(lambda.url()) + ",\"mode\":\"ordered\",\"backoff_base_ms\":1,\"throttle_backoff_base_ms\":2,\"backoff_max_ms\":20}";
      JsonNode s = run(dir, baseConfig(dir.resolve("out"), extra), Main.EXIT_CHECK_FAILED);
      assertFalse(s.get("ok").asBoolean());
      assertEquals(0, s.get("lost").asLong());
      assertEquals(0, s.get("duplicated").asLong());
      assertTrue(s.get("token_mismatches").asLong() > 0);
      assertEquals(1000, s.get("offloaded").asLong() + s.get("fallbacks").asLong()); // 0.2 of 5000, per subtask exact
      assertTrue(s.get("fallbacks").asLong() > 0);
      assertEquals(1, s.get("fallback_batches").asLong());
    }
  }

  @Test
  void badConfigIsUsageError() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Main.run(new String[] {"--bogus"}));
  }
}
