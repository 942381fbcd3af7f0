package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.sink.ExactlyOnceChecker;
import io.spillway.flink.sink.RunStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitTest {

  @Test
  void tokenizerVectors() {
    assertEquals(List.of("hello", "world"), Tokenizer.tokenize("Hello, World!"));
    assertEquals(List.of(), Tokenizer.tokenize(""));
    assertEquals(List.of(), Tokenizer.tokenize("  ,;!? "));
    assertEquals(List.of("café", "naïve", "straße"), Tokenizer.tokenize("  Café—naïve  STRASSE".replace("STRASSE", "Straße")));
    assertEquals(List.of("東京", "данные", "2026", "v2"), Tokenizer.tokenize("東京/данные (2026) v2"));
    assertEquals(List.of("don", "t", "stop", "x86", "64"), Tokenizer.tokenize("don't stop x86_64"));
    assertEquals(List.of("ünïcödé", "ελληνικά"), Tokenizer.tokenize("ÜNÏCÖDÉ\tΕΛΛΗΝΙΚΆ".replace("ΕΛΛΗΝΙΚΆ", "Ελληνικά")));
    assertEquals(List.of("a1", "b2"), Tokenizer.tokenize("--a1--b2--"));
    // Locale.ROOT, never the default locale (a Turkish default would give a dotless i)
    assertEquals(List.of("istanbul"), Tokenizer.tokenize("ISTANBUL"));
  }

  @Test
  void textGenIsDeterministicAndCountsTokens() {
    TextGen g = new TextGen(42, 3, 9, null, null);
    for (long n = 0; n < 2000; n++) {
      Line a = new Line(); a.seq = n; g.fill(a);
      Line b = new Line(); b.seq = n; g.fill(b);
      assertEquals(a.text, b.text);
      assertEquals(Tokenizer.countTokens(a.text), a.expectedTokens, a.text);
      assertTrue(a.expectedTokens >= 3 && a.expectedTokens <= 9);
    }
    TextGen c = new TextGen(1, 0, 0, null, List.of("One two", "Three, four five!"));
    Line l = new Line(); l.seq = 3; c.fill(l);
    assertEquals("Three, four five!", l.text);
    assertEquals(3, l.expectedTokens);
  }

  @Test
  void traceReplaysPiecewiseConstantRates() {
    Trace t = new Trace(List.of(new double[] {0, 10}, new double[] {1, 0}, new double[] {2, 4}), 3);
    assertEquals(14, t.total());
    assertEquals(0.0, t.offsetS(0), 1e-12);
    assertEquals(0.9, t.offsetS(9), 1e-9);
    assertEquals(2.0, t.offsetS(10), 1e-9); // zero-rate gap skipped
    assertEquals(2.75, t.offsetS(13), 1e-9);
    assertEquals(900, t.offsetMs(9));
    assertEquals(10, t.dueBy(1.5));
    assertEquals(12, t.dueBy(2.3));
    assertEquals(14, t.dueBy(10));
    // fractional total: 2.5 records/s for 3 s -> N = 7.5 -> 8 records (t_7 = 2.8 < 3)
    Trace f = new Trace(List.<double[]>of(new double[] {0, 2.5}), 3);
    assertEquals(8, f.total());
    assertTrue(f.offsetS(7) < 3.0);
    // leading zero rate before the first point
    Trace z = new Trace(List.<double[]>of(new double[] {1, 2}), 2);
    assertEquals(2, z.total());
    assertEquals(1.0, z.offsetS(0), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new Trace(List.of(new double[] {1, 1}, new double[] {0, 1}), 2));
  }

  @Test
  void shareAccumulatorIsExactAndDeterministic() {
    ShareAccumulator a = new ShareAccumulator();
    int off = 0;
    for (int i = 0; i < 1000; i++) if (a.next(0.3)) off++;
    assertEquals(300, off);
    ShareAccumulator b = new ShareAccumulator();
    int offB = 0;
    for (int i = 0; i < 1000; i++) if (b.next(1.0 / 3)) offB++;
    assertTrue(Math.abs(offB - 333.33) < 1.0, "got " + offB);
    // share changes: running total never drifts more than one record from the sum of shares
    ShareAccumulator c = new ShareAccumulator();
    double expected = 0;
    int offC = 0;
    double[] shares = {0.0, 0.25, 1.0, 0.7, 0.0, 0.05, 0.5};
    for (int i = 0; i < 7000; i++) {
      double s = shares[i / 1000];
      expected += s;
      if (c.next(s)) offC++;
      assertTrue(Math.abs(offC - expected) < 1.0 + 1e-6, "drift at " + i);
    }
    ShareAccumulator zero = new ShareAccumulator();
    for (int i = 0; i < 100; i++) assertFalse(zero.next(0.0));
    ShareAccumulator all = new ShareAccumulator();
    for (int i = 0; i < 100; i++) assertTrue(all.next(1.0));
    ShareAccumulator clamp = new ShareAccumulator();
    assertTrue(clamp.next(7.0));
    assertFalse(clamp.next(Double.NaN));
  }

  private static RoutedLine routed(long seq, int batch, long wait) {
    RoutedLine r = new RoutedLine(new Line(seq, 0, "x", 1), new Decision(3, 1, batch, wait, 2));
    return r;
  }

  @Test
  void batcherClosesOnSizeAndOnWait() {
    Batcher b = new Batcher();
    assertNull(b.add(routed(0, 3, 100), 1000));
    assertEquals(1100, b.deadlineMs());
    assertNull(b.add(routed(1, 3, 100), 1010));
    Batch full = b.add(routed(2, 3, 100), 1020);
    assertNotNull(full);
    assertEquals(3, full.lines.length);
    assertEquals(2, full.maxInFlight);
    assertEquals(-1, b.deadlineMs());
    assertNull(b.add(routed(3, 3, 100), 2000));
    assertNull(b.onTime(2099));
    Batch timed = b.onTime(2100);
    assertNotNull(timed);
    assertEquals(1, timed.lines.length);
    assertEquals(3, timed.lines[0].seq);
    assertNull(b.flush());
    assertNull(b.add(routed(4, 10, 100), 3000));
    assertEquals(1, b.flush().lines.length);
    // maxWait 0 -> every line is its own batch
    assertNotNull(b.add(routed(5, 10, 0), 4000));
    // batch size shrinks under an open batch: closes on the next add
    assertNull(b.add(routed(6, 10, 100), 5000));
    assertNull(b.add(routed(7, 10, 100), 5001));
    assertEquals(3, b.add(routed(8, 2, 100), 5002).lines.length);
  }

  @Test
  void exactlyOnceChecker() {
    ExactlyOnceChecker c = new ExactlyOnceChecker(5);
    assertTrue(c.accept(0));
    assertTrue(c.accept(4));
    assertFalse(c.accept(4));
    assertFalse(c.accept(7));
    assertTrue(c.accept(2));
    assertEquals(2, c.lost());
    assertEquals(1, c.duplicates());
    assertEquals(1, c.outOfRange());
    assertEquals(1, c.firstMissing());
    assertFalse(c.ok());
    c.accept(1);
    c.accept(3);
    assertEquals(0, c.lost());
    ExactlyOnceChecker ok = new ExactlyOnceChecker(3);
    ok.accept(2); ok.accept(0); ok.accept(1);
    assertTrue(ok.ok());
    assertEquals(-1, ok.firstMissing());
  }

  @Test
  void runStatsSummaryAndTimeseries() throws Exception {
    Trace t = new Trace(List.<double[]>of(new double[] {0, 4}), 2); // 8 records at 0,250,...,1750 ms
    RunStats s = new RunStats(t);
    long t0 = 1_000_000;
    for (long n = 0; n < 8; n++) {
      Result r = Result.of(new Line(n, t0 + t.offsetMs(n), "a b", 2), 2, n % 2 == 0 ? Result.LOCAL : Result.OFFLOADED);
      if (n == 1) { r.invocations = 2; r.throttles = 1; r.coldStarts = 1; }
      s.record(r, t0 + t.offsetMs(n) + 10 * (n + 1));
    }
    s.record(Result.of(new Line(3, t0 + 750, "a b", 2), 2, Result.LOCAL), t0 + 2000); // duplicate
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("runstats");
    var m = s.write(dir, "r1", "test");
    assertEquals(false, m.get("ok"));
    assertEquals(8L, m.get("records_emitted"));
    assertEquals(1L, m.get("duplicated"));
    assertEquals(0L, m.get("lost"));
    assertEquals(4L, m.get("offloaded"));
    assertEquals(2L, m.get("invocations"));
    assertEquals(1L, m.get("throttles"));
    assertEquals(1L, m.get("cold_starts"));
    @SuppressWarnings("unchecked") var lat = (java.util.Map<String, Object>) m.get("latency_ms");
    assertEquals(80.0, lat.get("max"));
    List<String> rows = java.nio.file.Files.readAllLines(dir.resolve("timeseries.csv"));
    assertEquals("t_s,input_rps,emitted_rps,offloaded_rps,fallback_rps,latency_p50_ms,latency_p99_ms", rows.get(0));
    assertEquals("0,4,4,2,0,20,40", rows.get(1));
    assertEquals("1,4,4,2,0,60,80", rows.get(2));
    assertTrue(java.nio.file.Files.size(dir.resolve("latency.hlog")) > 0);
    assertTrue(java.nio.file.Files.exists(dir.resolve("summary.json")));
  }

  @Test
  void runStatsCountsResultsOutOfTheirOffloadSubtasksOrder() throws Exception {
    Trace t = new Trace(List.<double[]>of(new double[] {0, 4}), 2);
    RunStats s = new RunStats(t);
    // lane 0: batches 0, 2, 1 (one result late), 2; lane 1: 5, 6; local results carry no lane
    long[][] lanes = {{0, 0}, {0, 2}, {0, 1}, {0, 2}, {1, 5}, {1, 6}, {-1, 0}, {-1, 0}};
    for (int n = 0; n < 8; n++) {
      Result r = Result.of(new Line(n, 1_000_000 + t.offsetMs(n), "a", 1), 1, lanes[n][0] < 0 ? Result.LOCAL : Result.OFFLOADED);
      if (lanes[n][0] >= 0) r.from((int) lanes[n][0], lanes[n][1]);
      s.record(r, 1_000_000 + t.offsetMs(n) + 5);
    }
    assertEquals(1, s.laneOrderViolations());
    assertEquals(1L, s.summary("r", "test").get("offload_order_violations"));
  }

  @Test
  void configParsesAndRejectsUnknownFields() throws Exception {
    JobConfig c = JobConfig.parse("{\"duration_s\":2,\"trace\":[[0,100]],\"offload\":{\"endpoint_url\":\"http://127.0.0.1:1\",\"mode\":\"ordered\"}}");
    assertEquals(200, c.traceModel().total());
    assertEquals("ordered", c.offload.mode);
    assertNull(c.offload.profile);
    assertEquals("burst", JobConfig.parse("{\"duration_s\":2,\"trace\":[[0,1]],\"offload\":{\"profile\":\"burst\"}}").offload.profile);
    assertNotNull(c.runId);
    assertThrows(Exception.class, () -> JobConfig.parse("{\"duration_s\":2,\"trace\":[[0,1]],\"bogus\":1}"));
    assertThrows(IllegalArgumentException.class, () -> JobConfig.parse("{\"duration_s\":2,\"trace\":[[0,1]],\"parallelism\":{\"sink\":2}}"));
    assertThrows(IllegalArgumentException.class, () -> JobConfig.parse("{\"duration_s\":2,\"trace\":[[0,1]],\"offload\":{\"mode\":\"x\"}}"));
  }

  @Test
  void samplesAreBoundedEvenlySpreadAndDeterministic() {
    Samples s = new Samples("x", 8);
    for (int i = 0; i < 8; i++) s.add(Integer.toString(i));
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7"), s.rows());
    for (int i = 8; i < 40; i++) s.add(Integer.toString(i));
    // 40 rows seen, capacity 8: stride 8 -> 0, 8, 16, 24, 32
    assertEquals(List.of("0", "8", "16", "24", "32"), s.rows());
    assertEquals(40, s.seen());
    Samples t = new Samples("x", 8);
    for (int i = 0; i < 40; i++) if (t.wantsNext()) t.add(Integer.toString(i)); else t.add(null);
    assertEquals(s.rows(), t.rows());
  }
}
