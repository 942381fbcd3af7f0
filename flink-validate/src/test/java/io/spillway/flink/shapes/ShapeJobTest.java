package io.spillway.flink.shapes;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.Main;
import io.spillway.flink.Trace;
import io.spillway.flink.nexmark.Q1;
import io.spillway.flink.nexmark.Q5HotItems;
import io.spillway.flink.ysb.Ysb;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes live on a MiniCluster: zero loss, and rows equal to the local-only run (order-free digest). */
class ShapeJobTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode run(Path dir, String shape, int exit) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
    String json = "{\"seed\":3,\"duration_s\":3,\"trace\":[[0,1000],[1,3000],[2,1000]],\"start_delay_ms\":300,"
        + "\"buffer_timeout_ms\":20,\"offload\":{\"enabled\":false},\"rest_port\":" + port
        + ",\"output_dir\":" + M.writeValueAsString(dir.resolve("out").toString()) + ",\"shape\":" + shape + "}";
    Path cfg = dir.resolve("job.json");
    Files.writeString(cfg, json);
    assertEquals(exit, Main.run(new String[] {"--config", cfg.toString()}));
    return M.readTree(dir.resolve("out").resolve("summary.json").toFile());
  }

  @Test
  void q1EveryBidOnceAndTheSameEuroPrices(@TempDir Path dir) throws Exception {
    JsonNode s = run(dir, "{\"name\":\"nexmark-q1\",\"parallelism\":{\"source\":2,\"currency_map\":2},\"work_us\":{\"currency_map\":8}}", 0);
    assertTrue(s.get("ok").asBoolean(), s.toString());
    assertEquals(5000, s.get("records_emitted").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(0, s.get("duplicated").asLong());
    assertEquals(s.get("expected_digest").asText(), s.get("digest").asText());
  }

  @Test
  void q5WindowCountsEqualTheLocalRun(@TempDir Path dir) throws Exception {
    JsonNode s = run(dir, "{\"name\":\"nexmark-q5\",\"window_ms\":1000,\"parallelism\":{\"source\":2,\"auction_window_count\":2}}", 0);
    assertTrue(s.get("ok").asBoolean(), s.toString());
    assertEquals(5000, s.get("inputs_counted").asLong());
    assertEquals(3, s.get("windows").asLong());
    // the per-second series as the other sinks write it: every result row counted once
    java.util.List<String> ts = Files.readAllLines(dir.resolve("out").resolve("timeseries.csv"));
    long rows = 0;
    for (String l : ts.subList(1, ts.size())) rows += Long.parseLong(l.split(",")[2]);
    assertEquals(s.get("results").asLong(), rows);
    assertEquals(s.get("results").asLong(), s.get("latency_ms").get("count").asLong());
    assertTrue(s.get("digest_equal").asBoolean());
    assertTrue(s.get("hot_items_equal").asBoolean());
  }

  @Test
  void ysbCountsEveryViewPerCampaign(@TempDir Path dir) throws Exception {
    JsonNode s = run(dir, "{\"name\":\"ysb\",\"window_ms\":1000,\"parallelism\":{\"source\":2,\"filter_views\":2,\"project\":2,"
        + "\"join_campaign\":2,\"campaign_window_count\":2}}", 0);
    assertTrue(s.get("ok").asBoolean(), s.toString());
    assertEquals(s.get("inputs_expected").asLong(), s.get("inputs_counted").asLong());
    assertEquals(0, s.get("lost").asLong());
    assertEquals(3, s.get("windows").asLong());
    assertTrue(s.get("digest_equal").asBoolean());
  }

  @Test
  void windowCountsByHand() {
    // 10 records/s for 2.5 s: 1 s windows hold 10, 10 and 5 bids
    Trace trace = new Trace(List.of(new double[] {0, 10}), 2.5);
    ShapeCfg cfg = new ShapeCfg();
    cfg.name = Q5HotItems.NAME;
    cfg.windowMs = 1000;
    Expected e = new Q5HotItems().expected(trace, 1, cfg);
    assertEquals(25, e.inputs());
    assertEquals(3, e.hotItems().size());
    assertEquals(0L, e.hotItems().get(0)[0]);
    assertEquals(2000L, e.hotItems().get(2)[0]);
    assertEquals(0, WindowCount.windowOf(999, 1000));
    assertEquals(1000, WindowCount.windowOf(1000, 1000));
  }

  @Test
  void windowLatencyIsMeasuredFromTheWindowEnd() {
    // t0 = intended arrival - event time, the same for every record; a result's t = t0 + window end
    WindowCount.Count<long[]> c = new WindowCount.Count<>(0) {
      @Override protected long arrival(long[] r) { return r[0]; }
      @Override protected long eventTime(long[] r) { return r[1]; }
    };
    long[] acc = c.createAccumulator();
    c.add(new long[] {1_000_500, 500}, acc);
    c.add(new long[] {1_000_900, 900}, acc);
    assertArrayEquals(new long[] {2, 1_000_000}, acc);
    assertArrayEquals(new long[] {2, 1_000_000}, c.merge(c.createAccumulator(), acc)); // an empty side has no t0
  }

  @Test
  void hotItemIsTheLargestCountTiesToTheSmallestKey() {
    HotItems h = new HotItems();
    h.add(1000, "x", 1);
    h.add(0, "b", 3);
    h.add(0, "c", 2);
    h.add(0, "a", 3);
    h.add(0, "d", 4 - 1);
    List<Object[]> l = h.list();
    assertEquals(2, l.size());
    assertArrayEquals(new Object[] {0L, "a", 3L}, l.get(0));
    assertArrayEquals(new Object[] {1000L, "x", 1L}, l.get(1));
  }

  @Test
  void digestIsOrderFreeAndSeesAChangedRow() {
    Digest a = new Digest(), b = new Digest(), c = new Digest();
    Row r1 = Row.window(0, "k", 3, 0), r2 = Row.window(1000, "k", 4, 0);
    a.add(r1); a.add(r2);
    b.add(r2); b.add(r1);
    c.add(r1); c.add(Row.window(1000, "k", 5, 0));
    assertEquals(a.sum(), b.sum());
    assertNotEquals(a.sum(), c.sum());
  }

  @Test
  void badShapeNamesTheField(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(dir, "{\"name\":\"q9\"}", 64));
    assertTrue(e.getMessage().contains("shape.name"), e.getMessage());
    assertEquals(List.of(Q1.NAME, Q5HotItems.NAME, Ysb.NAME), Shapes.NAMES);
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> run(dir, "{\"name\":\"nexmark-q1\",\"parallelism\":{\"curency_map\":2}}", 64));
    assertTrue(typo.getMessage().startsWith("shape.parallelism.curency_map: the nexmark-q1 job has no such vertex"), typo.getMessage());
  }
}
