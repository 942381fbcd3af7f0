package io.spillway.flink.source;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.Main;
import io.spillway.flink.ysb.AdEvent;
import io.spillway.flink.ysb.ParseFilterAsync;
import io.spillway.flink.ysb.YsbGen;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YSB with offload at the source, live on a MiniCluster against a stub function: the windows equal a local-only run. */
class SourceOffloadTest {
  private static final ObjectMapper M = new ObjectMapper();

  @Test
  void shareRouterIsExactOverAnyPrefix() {
    ShareRouter<Object> r = new ShareRouter<>(0.3, e -> e);
    int routed = 0;
    for (int i = 1; i <= 1000; i++) {
      if (r.route()) routed++;
      assertTrue(Math.abs(routed - 0.3 * i) <= 1.0, "after " + i + ": " + routed);
    }
    assertEquals(300, routed);
  }

  @Test
  void localAndFunctionPreProcessingAgree() throws Exception {
    YsbGen g = new YsbGen(2);
    RawBatch b = new RawBatch();
    for (long n = 0; n < 30; n++) b.records.add(new RawEvent(n, 100 + n, 10 * n, g.json(n, 10 * n)));
    List<AdEvent> local = ParseFilterAsync.local(b);
    // what the function answers: the views, projected to ad_id and event_time
    StringBuilder sb = new StringBuilder();
    for (AdEvent e : local) {
      sb.append(sb.length() > 0 ? "," : "").append("{\"seq\":").append(e.seq).append(",\"t\":0,\"fields\":{\"ad_id\":\"")
          .append(e.adId).append("\",\"event_time\":\"").append(e.eventTime).append("\"}}");
    }
    List<AdEvent> remote = ParseFilterAsync.decode(M.readTree("{\"records\":[" + sb + "]}"), b);
    assertEquals(local.size(), remote.size());
    for (int i = 0; i < local.size(); i++) {
      assertEquals(local.get(i).adId, remote.get(i).adId);
      assertEquals(local.get(i).eventTime, remote.get(i).eventTime);
      assertEquals(local.get(i).t, remote.get(i).t); // t comes from the batch, not the answer
    }
    assertTrue(local.size() > 3 && local.size() < 20, "views among 30: " + local.size());
    JsonNode req = M.readTree(ParseFilterAsync.request(b, 33));
    assertEquals("parse_filter", req.get("op").asText());
    assertEquals("view", req.get("keep").get("event_type").asText());
    assertEquals(30, req.get("records").size());
    assertThrows(IllegalStateException.class, () -> ParseFilterAsync.decode(M.readTree("{\"records\":[{\"seq\":99}]}"), b));
  }

  private static JsonNode run(Path dir, ParseFilterStub stub, double share, String batching) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
    String json = "{\"seed\":3,\"duration_s\":3,\"trace\":[[0,1000],[1,3000],[2,1000]],\"start_delay_ms\":300,"
        + "\"buffer_timeout_ms\":20,\"rest_port\":" + port + ",\"output_dir\":" + M.writeValueAsString(dir.resolve("out").toString())
        + ",\"offload\":{\"enabled\":true,\"function_name\":\"f\",\"endpoint_url\":\"" + stub.url() + "\",\"max_attempts\":2,\"backoff_base_ms\":10}"
        + ",\"shape\":{\"name\":\"ysb\",\"window_ms\":1000,\"parallelism\":{\"source\":2,\"parse_filter\":2,\"project\":2,"
        + "\"join_campaign\":2,\"campaign_window_count\":2},\"source_offload\":{\"share\":" + share + "," + batching + "}}}";
    Path cfg = dir.resolve("job.json");
    Files.writeString(cfg, json);
    assertEquals(0, Main.run(new String[] {"--config", cfg.toString()}));
    return M.readTree(dir.resolve("out").resolve("summary.json").toFile());
  }

  private static long sum(Path out, String field) throws Exception {
    long s = 0;
    for (int i = 0; i < 2; i++) s += M.readTree(out.resolve("source_offload-" + i + ".json").toFile()).get(field).asLong();
    return s;
  }

  @Test
  void halfTheParsesGoToTheFunctionAndTheWindowsAreExact(@TempDir Path dir) throws Exception {
    try (ParseFilterStub stub = new ParseFilterStub(0)) {
      // batches held up to 700 ms: many watermarks arrive while records wait in the batcher, which must not let
      // them pass (a window would drop the records as late)
      JsonNode s = run(dir, stub, 0.5, "\"batch_records\":100000,\"max_wait_ms\":700");
      assertTrue(s.get("ok").asBoolean(), s.toString());
      assertTrue(s.get("digest_equal").asBoolean());
      assertEquals(0, s.get("lost").asLong());
      assertEquals(2500, sum(dir.resolve("out"), "offloaded")); // 5000 records, share 0.5, exact per subtask
      assertEquals(2500, stub.records.get());
      assertEquals(0, sum(dir.resolve("out"), "fallbacks"));
    }
  }

  @Test
  void failedCallsFallBackToTheLocalParseWithoutLoss(@TempDir Path dir) throws Exception {
    try (ParseFilterStub stub = new ParseFilterStub(3)) {
      JsonNode s = run(dir, stub, 1.0, "\"batch_records\":50");
      assertTrue(s.get("ok").asBoolean(), s.toString());
      assertTrue(s.get("digest_equal").asBoolean());
      long fallbacks = sum(dir.resolve("out"), "fallback_records");
      assertTrue(sum(dir.resolve("out"), "fallbacks") > 0);
      assertEquals(5000, sum(dir.resolve("out"), "offloaded") + fallbacks);
    }
  }
}
