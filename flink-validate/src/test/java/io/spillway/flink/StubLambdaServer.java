package io.spillway.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Minimal stand-in for the Lambda Invoke API on 127.0.0.1: POST /2015-03-31/functions/{name}/invocations.
 * Behaviour per call number (1-based) is chosen by {@link #behaviour}.
 */
final class StubLambdaServer implements AutoCloseable {
  enum Mode { OK, THROTTLE, FUNCTION_ERROR, DROP_RECORD, NOT_FOUND, SLOW, EXTRA_TOKEN }

  private static final ObjectMapper M = new ObjectMapper();
  final HttpServer server;
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger records = new AtomicInteger();
  final AtomicInteger dryRuns = new AtomicInteger();
  volatile IntFunction<Mode> behaviour = n -> Mode.OK;
  volatile long slowMs = 3000;
  /** Every request containing this seq is throttled (-1 = off): forces a deterministic fallback batch. */
  volatile long throttleSeq = -1;
  volatile String lastPath;
  volatile String lastAuthorization;

  StubLambdaServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/2015-03-31/functions/", this::handle);
    server.start();
  }

  String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  private void handle(HttpExchange ex) throws IOException {
    try {
      if ("DryRun".equals(ex.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))) {
        dryRuns.incrementAndGet();
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(204, -1);
        return;
      }
      int n = calls.incrementAndGet();
      lastPath = ex.getRequestURI().getPath();
      lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
      byte[] body = ex.getRequestBody().readAllBytes();
      if (!"POST".equals(ex.getRequestMethod()) || !lastPath.endsWith("/invocations")) {
        send(ex, 404, "{\"Type\":\"User\",\"message\":\"no such path\"}", "ResourceNotFoundException", null);
        return;
      }
      Mode mode = behaviour.apply(n);
      if (throttleSeq >= 0 && new String(body, StandardCharsets.UTF_8).contains("\"seq\":" + throttleSeq + ",")) {
        mode = Mode.THROTTLE;
      }
      switch (mode) {
        case THROTTLE:
          send(ex, 429, "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}",
              "TooManyRequestsException", null);
          return;
        case NOT_FOUND:
          send(ex, 404, "{\"Type\":\"User\",\"message\":\"Function not found\"}", "ResourceNotFoundException", null);
          return;
        case FUNCTION_ERROR:
          send(ex, 200, "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}", null, "Unhandled");
          return;
        case SLOW:
          Thread.sleep(slowMs);
          break;
        default:
          break;
      }
      JsonNode req = M.readTree(body);
      ObjectNode resp = M.createObjectNode();
      if (req.path("op").asText().startsWith("window_")) windowCount(req, resp, mode);
      else tokenize(req, resp, mode);
      resp.put("env", "stub-1");
      resp.put("cold", n == 1);
      resp.put("init_ms", n == 1 ? 123.0 : 0.0);
      resp.put("duration_ms", 1.5);
      send(ex, 200, M.writeValueAsString(resp), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ex.close();
    }
  }

  /**
   * The partial-aggregate operations (lambda/node/src/ops.ts windowCount, windowSum); DROP_RECORD undercounts the
   * first partial, EXTRA_TOKEN adds 1 to the first partial's sum (right count, wrong sum).
   */
  private void windowCount(JsonNode req, ObjectNode resp, Mode mode) {
    long w = req.get("window_ms").asLong();
    boolean sum = "window_sum".equals(req.path("op").asText());
    java.util.Map<String, ObjectNode> byPair = new java.util.LinkedHashMap<>();
    ArrayNode out = resp.putArray("partials");
    for (JsonNode r : req.get("records")) {
      long t = r.get("t").asLong();
      long start = t - Math.floorMod(t, w);
      String key = r.get("key").asText();
      ObjectNode p = byPair.computeIfAbsent(start + "/" + key, k -> {
        ObjectNode o = out.addObject();
        o.put("window_start", start);
        o.put("key", key);
        o.put("count", 0);
        if (sum) o.put("sum", 0);
        return o;
      });
      p.put("count", p.get("count").asLong() + 1);
      if (sum) p.put("sum", p.get("sum").asLong() + r.get("value").asLong());
      records.incrementAndGet();
    }
    if (mode == Mode.DROP_RECORD && out.size() > 0) ((ObjectNode) out.get(0)).put("count", out.get(0).get("count").asLong() - 1);
    if (mode == Mode.EXTRA_TOKEN && sum && out.size() > 0) ((ObjectNode) out.get(0)).put("sum", out.get(0).get("sum").asLong() + 1);
  }

  private void tokenize(JsonNode req, ObjectNode resp, Mode mode) {
    {
      ArrayNode out = resp.putArray("records");
      int i = 0;
      for (JsonNode r : req.get("records")) {
        if (mode == Mode.DROP_RECORD && i++ == 0) continue;
        ObjectNode o = out.addObject();
        o.put("seq", r.get("seq").asLong());
        o.put("t", r.get("t").asLong());
        ArrayNode toks = o.putArray("tokens");
        for (String t : Tokenizer.tokenize(r.get("text").asText())) toks.add(t);
        if (mode == Mode.EXTRA_TOKEN) toks.add("extra");
        records.incrementAndGet();
      }
    }
  }

  private static void send(HttpExchange ex, int status, String body, String errorType, String functionError) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    if (errorType != null) ex.getResponseHeaders().set("x-amzn-ErrorType", errorType);
    if (functionError != null) ex.getResponseHeaders().set("X-Amz-Function-Error", functionError);
    ex.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
