package io.spillway.flink.offload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.Line;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The offload payload contract. Request:
 * {@code {"op":"tokenize","work_us_per_record":n,["wait_ms":ms,]"records":[{"seq":..,"t":..,"text":".."}]}}; response:
 * {@code {"records":[{"seq":..,"t":..,"tokens":[..]}],"env":"..","cold":bool,"init_ms":..,"duration_ms":..}}.
 */
public final class Payloads {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private Payloads() {}

  public static byte[] encodeRequest(long workUsPerRecord, Line[] lines) {
    return encodeRequest(workUsPerRecord, -1, lines);
  }

  /** With {@code waitMs} >= 0 (wait mode) the request carries {@code "wait_ms"}: the handler holds that long, by timer. */
  public static byte[] encodeRequest(long workUsPerRecord, double waitMs, Line[] lines) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64 + lines.length * 96);
    try (JsonGenerator g = FACTORY.createGenerator(bos)) {
      g.writeStartObject();
      g.writeStringField("op", "tokenize");
      g.writeNumberField("work_us_per_record", workUsPerRecord);
      if (waitMs >= 0) g.writeNumberField("wait_ms", Math.round(waitMs * 1000) / 1000.0);
      g.writeArrayFieldStart("records");
      for (Line l : lines) {
        g.writeStartObject();
        g.writeNumberField("seq", l.seq);
        g.writeNumberField("t", l.t);
        g.writeStringField("text", l.text);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bos.toByteArray();
  }

  /** A decoded, validated response: token counts aligned with the request's lines. */
  public static final class Decoded {
    public final int[] tokenCounts;
    public final boolean cold;
    public final String env;
    public final double initMs;
    public final double durationMs;
    /** Another operation's decoded result (e.g. window partials), null for tokenize. */
    public final Object value;

    Decoded(int[] tokenCounts, boolean cold, String env, double initMs, double durationMs) {
      this(tokenCounts, null, cold, env, initMs, durationMs);
    }

    public Decoded(int[] tokenCounts, Object value, boolean cold, String env, double initMs, double durationMs) {
      this.tokenCounts = tokenCounts;
      this.value = value;
      this.cold = cold;
      this.env = env;
      this.initMs = initMs;
      this.durationMs = durationMs;
    }
  }

  public static final class BadResponseException extends Exception {
    public BadResponseException(String msg) { super(msg); }
  }

  /** Parses a response and checks it holds exactly the requested sequence numbers, each once. */
  public static Decoded decodeResponse(byte[] body, Line[] requested) throws BadResponseException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BadResponseException("response is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new BadResponseException("response is not a JSON object");
    JsonNode recs = root.get("records");
    if (recs == null || !recs.isArray()) throw new BadResponseException("response has no records array");
    Map<Long, Integer> index = new HashMap<>(requested.length * 2);
    for (int i = 0; i < requested.length; i++) index.put(requested[i].seq, i);
    int[] counts = new int[requested.length];
    boolean[] seen = new boolean[requested.length];
    int n = 0;
    for (JsonNode r : recs) {
      JsonNode seqNode = r.get("seq");
      if (seqNode == null || !seqNode.canConvertToLong()) throw new BadResponseException("record without seq");
      Integer i = index.get(seqNode.asLong());
      if (i == null) throw new BadResponseException("unexpected seq " + seqNode.asLong());
      if (seen[i]) throw new BadResponseException("duplicate seq " + seqNode.asLong());
      JsonNode tokens = r.get("tokens");
      if (tokens == null || !tokens.isArray()) throw new BadResponseException("record " + seqNode.asLong() + " without tokens");
      seen[i] = true;
      counts[i] = tokens.size();
      n++;
    }
    if (n != requested.length)
      throw new BadResponseException("response has " + n + " of " + requested.length + " records");
    JsonNode cold = root.get("cold");
    JsonNode env = root.get("env");
    JsonNode init = root.get("init_ms");
    JsonNode dur = root.get("duration_ms");
    return new Decoded(counts, cold != null && cold.asBoolean(false), env == null || env.isNull() ? null : env.asText(),
        init == null ? 0.0 : init.asDouble(0.0), dur == null ? 0.0 : dur.asDouble(0.0));
  }
}
