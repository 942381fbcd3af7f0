package io.spillway.flink.source;

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

/** A local Invoke API answering the parse_filter op like lambda/node/src/ops.ts; every failEvery-th call fails. */
final class ParseFilterStub implements AutoCloseable {
  private static final ObjectMapper M = new ObjectMapper();
  final HttpServer server;
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger records = new AtomicInteger();
  final int failEvery;

  ParseFilterStub(int failEvery) throws IOException {
    this.failEvery = failEvery;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/2015-03-31/functions/", this::handle);
    server.start();
  }

  String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      int n = calls.incrementAndGet();
      if (failEvery > 0 && n % failEvery == 0) {
        send(ex, "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}", "Unhandled");
        return;
      }
      JsonNode req = M.readTree(body);
      ObjectNode resp = M.createObjectNode();
      ArrayNode out = resp.putArray("records");
      for (JsonNode r : req.get("records")) {
        records.incrementAndGet();
        JsonNode ev = M.readTree(r.get("text").asText());
        if (!"view".equals(ev.get("event_type").asText())) continue;
        ObjectNode o = out.addObject();
        o.put("seq", r.get("seq").asLong());
        o.put("t", r.get("t").asLong());
        ObjectNode f = o.putObject("fields");
        for (JsonNode p : req.get("project")) f.set(p.asText(), ev.get(p.asText()));
      }
      resp.put("env", "stub");
      resp.put("cold", n == 1);
      resp.put("duration_ms", 1.0);
      send(ex, M.writeValueAsString(resp), null);
    }
  }

  private static void send(HttpExchange ex, String body, String functionError) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    if (functionError != null) ex.getResponseHeaders().set("X-Amz-Function-Error", functionError);
    ex.sendResponseHeaders(200, b.length);
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
