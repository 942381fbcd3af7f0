package io.spillway.lambda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * The work an offloaded batch does, free of any Lambda detail. Tokenizer rule (the same in Node, Python and the
 * Flink job): lower-case with {@link Locale#ROOT}, split on {@code [^\p{L}\p{N}]+}, drop empties (String.split keeps
 * a leading empty string). Window partials per (tumbling window, key), in order of first occurrence.
 */
public final class Ops {
  static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

  private Ops() {}

  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    for (String s : SEPARATORS.split(text.toLowerCase(Locale.ROOT))) {
      if (!s.isEmpty()) out.add(s);
    }
    return out;
  }

  /** Start of the tumbling window holding t; floors negative times too, as Flink's TimeWindow does. */
  public static Number windowStart(Number t, long windowMs) {
    if (t instanceof Double || t instanceof Float) {
      double d = t.doubleValue();
      return d - (((d % windowMs) + windowMs) % windowMs);
    }
    long v = t.longValue();
    return v - Math.floorMod(v, windowMs);
  }

  /** Partials keyed by (window_start, key), listed in order of first occurrence. */
  public static List<Map<String, Object>> windowCount(List<Map<?, ?>> records, long windowMs) {
    return partials(records, windowMs, false);
  }

  /** Partial sums of the records' values, with each pair's count, in windowCount's order of first occurrence. */
  public static List<Map<String, Object>> windowSum(List<Map<?, ?>> records, long windowMs) {
    return partials(records, windowMs, true);
  }

  /** One pass for both: a count per (window_start, key), and with withSum the sum of the records' values. */
  private static List<Map<String, Object>> partials(List<Map<?, ?>> records, long windowMs, boolean withSum) {
    Map<List<Object>, Map<String, Object>> byPair = new LinkedHashMap<>();
    for (Map<?, ?> r : records) {
      Number start = integral(windowStart((Number) r.get("t"), windowMs));
      String key = (String) r.get("key");
      Map<String, Object> p = byPair.computeIfAbsent(List.of(start, key), k -> partial(start, key));
      p.put("count", (Long) p.get("count") + 1);
      if (withSum) p.merge("sum", ((Number) r.get("value")).longValue(), (x, y) -> (Long) x + (Long) y);
    }
    return new ArrayList<>(byPair.values());
  }

  private static Map<String, Object> partial(Number start, String key) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("window_start", start);
    p.put("key", key);
    p.put("count", 0L);
    return p;
  }

  /** 2000.0 and 2000 are one window, as they are in JSON: whole doubles become longs. */
  private static Number integral(Number n) {
    double d = n.doubleValue();
    if ((n instanceof Double || n instanceof Float) && d == Math.rint(d) && Math.abs(d) <= Request.MAX_SAFE) return (long) d;
    return n;
  }

  /** Emulate the operator's CPU cost: spin (not sleep) so the environment's CPU is really busy. */
  public static void burnCpu(double microseconds) {
    if (microseconds <= 0) return;
    long end = System.nanoTime() + Math.round(microseconds * 1000);
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /** Wait mode: the batch's service time passes parked, leaving the CPU free. */
  public static void hold(double milliseconds) {
    if (milliseconds <= 0) return;
    long end = System.nanoTime() + Math.round(milliseconds * 1e6);
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) LockSupport.parkNanos(left);
  }

  /** Run a validated request: the op-specific part of the response, in a map the caller adds fields to. */
  public static Map<String, Object> run(Request req) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (req.op().equals("tokenize")) {
      List<Map<String, Object>> records = new ArrayList<>(req.records().size());
      for (Map<?, ?> r : req.records()) {
        burnCpu(req.workUs());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seq", r.get("seq"));
        o.put("t", r.get("t"));
        o.put("tokens", tokenize((String) r.get("text")));
        records.add(o);
      }
      out.put("records", records);
      return out;
    }
    for (int i = 0; i < req.records().size(); i++) burnCpu(req.workUs());
    boolean sum = req.op().equals("window_sum");
    out.put("partials", sum ? windowSum(req.records(), req.windowMs()) : windowCount(req.records(), req.windowMs()));
    return out;
  }

  static double round3(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }
}
