package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.graph.Rec;
import io.spillway.flink.graph.WindowPayloads;
import io.spillway.flink.graph.WindowState;
import io.spillway.flink.offload.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sum window's state and its partial-sum payloads, on hand-computed examples (values: 1 + seq mod 100). */
class WindowSumTest {
  private static Rec rec(long seq, long et, long key) { return Rec.data(seq, et, et, key, Rec.UNIT, 0); }

  @Test
  void valueIsOnePlusSeqModHundred() {
    assertEquals(1, Rec.value(0));
    assertEquals(100, Rec.value(99));
    assertEquals(1, Rec.value(100));
    assertEquals(43, Rec.value(1242));
  }

  @Test
  void localRecordsAndPartialsMergeIntoOneSumPerWindowAndKey() {
    WindowState w = new WindowState(1000, true);
    w.addLocal(rec(5, 100, 7)); // value 6
    w.addLocal(rec(250, 900, 7)); // value 51
    w.addLocal(rec(3, 999, 8)); // value 4
    // the function's partial for (0, key 7) over seqs 10 and 12: values 11 + 13 = 24
    w.addPartial(0, 7, 2, 24, List.of(rec(10, 10, 7), rec(12, 20, 7)));
    w.addLocal(rec(1, 1000, 7)); // next window, value 2
    List<Rec> fired = w.fire(999);
    assertEquals(2, fired.size());
    Rec k7 = fired.get(0);
    assertTrue(k7.summed);
    assertEquals(7, k7.key);
    assertEquals(4, k7.count);
    assertEquals(6 + 51 + 24, k7.sum);
    assertEquals(2, k7.localRecords);
    assertEquals(2, k7.offloadedRecords);
    assertArrayEquals(new long[] {5, 250, 10, 12}, k7.ledgerSeqs);
    assertEquals(4, fired.get(1).sum);
    Rec next = w.fire(Long.MAX_VALUE).get(0);
    assertEquals(1000, next.windowStart);
    assertEquals(2, next.sum);
  }

  @Test
  void aCountWindowCarriesNoSum() {
    WindowState w = new WindowState(1000);
    w.addLocal(rec(5, 100, 7));
    w.addPartial(0, 7, 1, 999, List.of(rec(6, 10, 7)));
    Rec r = w.fire(Long.MAX_VALUE).get(0);
    assertFalse(r.summed);
    assertEquals(2, r.count);
    assertEquals(0, r.sum);
  }

  @Test
  void payloadCarriesValuesAndAWrongPartialSumIsRefused() throws Exception {
    List<Rec> batch = List.of(rec(10, 10, 7), rec(12, 20, 7), rec(199, 1500, 7));
    String req = new String(WindowPayloads.encode(batch, 1000, true, 0, -1), StandardCharsets.UTF_8);
    assertTrue(req.startsWith("{\"op\":\"window_sum\""), req);
    assertTrue(req.contains("{\"seq\":199,\"t\":1500,\"key\":\"7\",\"value\":100}"), req);
    Map<String, long[]> want = WindowPayloads.expected(batch, 1000);
    String good = "{\"partials\":[{\"window_start\":0,\"key\":\"7\",\"count\":2,\"sum\":24},"
        + "{\"window_start\":1000,\"key\":\"7\",\"count\":1,\"sum\":100}]}";
    long[][] p = (long[][]) WindowPayloads.decode(good.getBytes(StandardCharsets.UTF_8), want, true).value;
    assertArrayEquals(new long[] {0, 7, 2, 24}, p[0]);
    assertArrayEquals(new long[] {1000, 7, 1, 100}, p[1]);
    String wrong = good.replace("\"sum\":24", "\"sum\":25");
    assertEquals("partial 0/7 sum 25, expected 24", assertThrows(Payloads.BadResponseException.class,
        () -> WindowPayloads.decode(wrong.getBytes(StandardCharsets.UTF_8), want, true)).getMessage());
    String missing = good.replace(",\"sum\":100", "");
    assertThrows(Payloads.BadResponseException.class, () -> WindowPayloads.decode(missing.getBytes(StandardCharsets.UTF_8), want, true));
  }
}
