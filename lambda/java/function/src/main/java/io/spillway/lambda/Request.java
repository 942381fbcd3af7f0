package io.spillway.lambda;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated request. The event arrives as the Lambda Java runtime deserializes JSON into Object: maps, lists,
 * strings, Integer/Long/BigInteger and Double. Any problem throws IllegalArgumentException naming the first one,
 * with the messages the Node and Python handlers use.
 */
public record Request(String op, double workUs, double waitMs, long windowMs, List<Map<?, ?>> records) {
  static final long MAX_SAFE = (1L << 53) - 1;

  public static Request parse(Object event) {
    if (!(event instanceof Map<?, ?> e)) throw fail("event must be a JSON object");
    double work = nonNegative(e.get("work_us_per_record"), "work_us_per_record must be a number >= 0");
    double wait = nonNegative(e.get("wait_ms"), "wait_ms must be a number >= 0");
    if (!(e.get("records") instanceof List<?> raw)) throw fail("records must be an array");
    Object op = e.get("op");
    if ("tokenize".equals(op)) return new Request("tokenize", work, wait, 0, records(raw, "text"));
    if ("window_count".equals(op) || "window_sum".equals(op)) {
      Object w = e.get("window_ms");
      if (!isSafeInteger(w) || ((Number) w).longValue() <= 0) throw fail("window_ms must be a positive integer");
      List<Map<?, ?>> records = records(raw, "key");
      if ("window_sum".equals(op)) checkValues(records);
      return new Request((String) op, work, wait, ((Number) w).longValue(), records);
    }
    throw new IllegalArgumentException("unknown op: " + (op instanceof String s ? '"' + s + '"' : String.valueOf(op)));
  }

  private static List<Map<?, ?>> records(List<?> raw, String stringField) {
    List<Map<?, ?>> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.get(i) instanceof Map<?, ?> r)) throw fail("records[" + i + "] is not an object");
      if (!isSafeInteger(r.get("seq"))) throw fail("records[" + i + "].seq must be an integer");
      if (!isFinite(r.get("t"))) throw fail("records[" + i + "].t must be a finite number");
      if (!(r.get(stringField) instanceof String)) throw fail("records[" + i + "]." + stringField + " must be a string");
      out.add(r);
    }
    return out;
  }

  /** A window_sum record's value: an integer within ±(2^53 - 1), as in the other handlers. */
  private static void checkValues(List<Map<?, ?>> records) {
    for (int i = 0; i < records.size(); i++) {
      if (!isSafeInteger(records.get(i).get("value"))) throw fail("records[" + i + "].value must be an integer");
    }
  }

  /** Absent or null means 0, as in the other handlers. */
  private static double nonNegative(Object v, String message) {
    if (v == null) return 0;
    if (!isFinite(v) || ((Number) v).doubleValue() < 0) throw fail(message);
    return ((Number) v).doubleValue();
  }

  /** An integer token (not 1.5, not 1.0) within ±(2^53 - 1), as JavaScript's Number.isSafeInteger allows. */
  static boolean isSafeInteger(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return Math.abs(((Number) v).longValue()) <= MAX_SAFE;
    }
    return v instanceof BigInteger b && b.abs().compareTo(BigInteger.valueOf(MAX_SAFE)) <= 0;
  }

  static boolean isFinite(Object v) {
    if (v instanceof Double d) return Double.isFinite(d);
    if (v instanceof Float f) return Float.isFinite(f);
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger || v instanceof BigDecimal;
  }

  private static IllegalArgumentException fail(String what) {
    return new IllegalArgumentException("invalid payload: " + what);
  }
}
