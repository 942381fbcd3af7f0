package io.spillway.flink.graph;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.offload.Payloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The partial-aggregate operations of the offload function (lambda/node/src/ops.ts {@code window_count} and
 * {@code window_sum}, the same in lambda/python/handler.py and lambda/java, held to lambda/testdata/vectors.json).
 * Request: {@code {"op":"window_count","window_ms":n,"work_us_per_record":n,["wait_ms":ms,]"records":[{"seq","t","key"}]}};
 * answer: {@code {"partials":[{"window_start","key","count"}], "env","cold","init_ms","duration_ms"}}. A sum window
 * sends {@code "op":"window_sum"} with each record's {@code "value"} ({@link Rec#value}) and gets
 * {@code {"window_start","key","count","sum"}} partials.
 */
public final class WindowPayloads {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private WindowPayloads() {}

  public static byte[] encode(List<Rec> records, long windowMs, long workUs, double waitMs) {
    return encode(records, windowMs, false, workUs, waitMs);
  }

  public static byte[] encode(List<Rec> records, long windowMs, boolean sum, long workUs, double waitMs) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64 + records.size() * 56);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(bos)) {
      g.writeStartObject();
      g.writeStringField("op", sum ? "window_sum" : "window_count");
      g.writeNumberField("window_ms", windowMs);
      g.writeNumberField("work_us_per_record", waitMs >= 0 ? 0 : workUs);
      if (waitMs >= 0) g.writeNumberField("wait_ms", Math.round(waitMs * 1000) / 1000.0);
      g.writeArrayFieldStart("records");
      for (Rec r : records) {
        g.writeStartObject();
        g.writeNumberField("seq", r.seq);
        g.writeNumberField("t", r.et); // event time: the function assigns windows from it
        g.writeStringField("key", Long.toString(r.key));
        if (sum) g.writeNumberField("value", Rec.value(r.seq));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bos.toByteArray();
  }

  /** (window start, key) of a record. */
  static String pair(long windowStart, long key) { return windowStart + "/" + key; }

  /** What the batch must come back as: its records' {count, sum of values} per (window start, key). */
  public static Map<String, long[]> expected(List<Rec> records, long windowMs) {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (Rec r : records) {
      long[] e = m.computeIfAbsent(pair(WindowState.start(r.et, windowMs), r.key), k -> new long[2]);
      e[0]++;
      e[1] += Rec.value(r.seq);
    }
    return m;
  }

  /**
   * Decodes an answer and checks its partials are exactly the batch's counts, and sums for a sum window (no pair
   * missing, extra, repeated or miscounted): a wrong answer is a failed attempt (retried, then the batch is
   * aggregated locally), never merged. The value is the partials as {@code long[]{windowStart, key, count, sum}}
   * (sum 0 for a count window).
   */
  public static Payloads.Decoded decode(byte[] body, Map<String, long[]> expected, boolean sum) throws Payloads.BadResponseException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new Payloads.BadResponseException("response is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("partials").isArray())
      throw new Payloads.BadResponseException("response has no partials array");
    Map<String, long[]> left = new LinkedHashMap<>(expected);
    long[][] out = new long[root.get("partials").size()][];
    int i = 0;
    for (JsonNode p : root.get("partials")) out[i++] = partial(p, left, sum);
    if (!left.isEmpty()) throw new Payloads.BadResponseException(left.size() + " partials missing, e.g. " + left.keySet().iterator().next());
    return new Payloads.Decoded(null, out, root.path("cold").asBoolean(false),
        root.hasNonNull("env") ? root.get("env").asText() : null, root.path("init_ms").asDouble(0), root.path("duration_ms").asDouble(0));
  }

  /** One partial, checked against (and removed from) what the batch still expects. */
  private static long[] partial(JsonNode p, Map<String, long[]> left, boolean sum) throws Payloads.BadResponseException {
    long start = p.path("window_start").asLong(Long.MIN_VALUE);
    long key;
    try {
      key = Long.parseLong(p.path("key").asText());
    } catch (NumberFormatException e) {
      throw new Payloads.BadResponseException("partial with a bad key " + p.path("key"));
    }
    long count = p.path("count").asLong(-1);
    long[] want = left.remove(pair(start, key));
    if (want == null || want[0] != count)
      throw new Payloads.BadResponseException("partial " + pair(start, key) + " count " + count + ", expected " + (want == null ? null : want[0]));
    if (!sum) return new long[] {start, key, count, 0};
    JsonNode v = p.path("sum");
    if (!v.canConvertToExactIntegral() || v.asLong() != want[1])
      throw new Payloads.BadResponseException("partial " + pair(start, key) + " sum " + v + ", expected " + want[1]);
    return new long[] {start, key, count, v.asLong()};
  }
}
