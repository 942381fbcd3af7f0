package io.spillway.flink.sink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.Line;
import io.spillway.flink.Result;
import io.spillway.flink.Trace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sink's ledger survives a stop and restore (writer state): one count across both job incarnations. */
class LedgerStateTest {
  private static final Trace TRACE = new Trace(List.<double[]>of(new double[] {0, 5}), 2); // 10 records
  private static final long T0 = 1_000_000;

  private static void emit(RunStats s, long seq) {
    s.record(Result.of(new Line(seq, T0 + TRACE.offsetMs(seq), "a b", 2), 2, Result.LOCAL), T0 + TRACE.offsetMs(seq) + 5);
  }

  private static RunStats acrossStop(long[] before, long[] after) throws Exception {
    RunStats first = new RunStats(TRACE);
    for (long n : before) emit(first, n);
    byte[] state = RunStats.STATE_SERIALIZER.serialize(first.snapshot());
    RunStats second = RunStats.restore(RunStats.STATE_SERIALIZER.deserialize(1, state));
    for (long n : after) emit(second, n);
    return second;
  }

  @Test
  void everyRecordOnceAcrossTheStopIsOk() throws Exception {
    RunStats s = acrossStop(new long[] {0, 1, 2, 3}, new long[] {4, 5, 6, 7, 8, 9});
    Map<String, Object> m = s.summary("r", "test");
    assertEquals(true, m.get("ok"));
    assertEquals(10L, m.get("records_emitted"));
    assertEquals(0L, m.get("lost"));
    assertEquals(0L, m.get("duplicated"));
  }

  @Test
  void aRecordEmittedAgainAfterTheRestoreIsADuplicate() throws Exception {
    RunStats s = acrossStop(new long[] {0, 1, 2, 3}, new long[] {3, 4, 5, 6, 7, 8, 9});
    assertEquals(1L, s.checker().duplicates());
    assertEquals(10L, s.emitted());
    assertFalse(s.ok());
  }

  @Test
  void aRecordSkippedAcrossTheStopIsLost() throws Exception {
    RunStats s = acrossStop(new long[] {0, 1, 2, 3}, new long[] {5, 6, 7, 8, 9});
    assertEquals(1L, s.checker().lost());
    assertEquals(4L, s.checker().firstMissing());
    assertFalse(s.ok());
  }

  @Test
  void anUnknownStateVersionIsRefused() {
    assertThrows(java.io.IOException.class, () -> RunStats.STATE_SERIALIZER.deserialize(2, new byte[0]));
  }
}
