package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.spillway.flink.offload.AzureInvoker;
import io.spillway.flink.offload.BatchInvoker;
import io.spillway.flink.offload.Invokers;
import io.spillway.flink.offload.LambdaInvoker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Azure Functions HTTP invoker against a tiny in-test HTTP server standing for the function: the route, the key
 * header, the answer decoded, and the retry/fallback semantics the Lambda invoker has (429 and 5xx retried up to
 * max_attempts, 401/400 not retried).
 */
class AzureInvokerTest {
  private static final String KEY = "not-a-real-key";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpServer server;
  /** Status to answer for call n (1-based); 200 answers the function's body. */
  private volatile IntUnaryOperator status = n -> 200;
  private volatile long delayMs = 0;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttles = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    int n = calls.incrementAndGet();
    keys.add(String.valueOf(ex.getRequestHeaders().getFirst("x-functions-key")));
    paths.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
    JsonNode req = MAPPER.readTree(ex.getRequestBody().readAllBytes());
    if (delayMs > 0) {
      try { Thread.sleep(delayMs); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
    int sc = status.applyAsInt(n);
    byte[] body = sc == 200 ? answer(req, n == 1) : new byte[0];
    ex.sendResponseHeaders(sc, body.length == 0 ? -1 : body.length);
    if (body.length > 0) ex.getResponseBody().write(body);
    ex.close();
  }

  /** The function's answer: every record with one token per space-separated word, as the handler reports it. */
  private static byte[] answer(JsonNode req, boolean cold) {
    StringBuilder sb = new StringBuilder("{\"records\":[");
    int i = 0;
    for (JsonNode r : req.get("records")) {
      if (i++ > 0) sb.append(',');
      sb.append("{\"seq\":").append(r.get("seq").asLong()).append(",\"t\":").append(r.get("t").asLong()).append(",\"tokens\":[");
      String[] words = r.get("text").asText().trim().split("\\s+");
      for (int w = 0; w < words.length; w++) sb.append(w > 0 ? "," : "").append("\"w\"");
      sb.append("]}");
    }
    sb.append("],\"env\":\"i-1\",\"cold\":").append(cold).append(",\"duration_ms\":2.5");
    if (cold) sb.append(",\"init_ms\":250");
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private JobConfig.OffloadCfg cfg() {
    JobConfig.OffloadCfg c = new JobConfig.OffloadCfg();
    c.platform = "azure";
    c.functionName = "spillway-offload";
    c.endpointUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    c.attemptTimeoutMs = 2000;
    c.maxAttempts = 3;
    c.backoffBaseMs = 1;
    c.throttleBackoffBaseMs = 2;
    c.backoffMaxMs = 10;
    return c;
  }

  private AzureInvoker invoker(JobConfig.OffloadCfg c) {
    return new AzureInvoker(c, 0, new LambdaInvoker.Listener() {
      @Override public void onThrottle() { throttles.incrementAndGet(); }
      @Override public void onError(String kind) { errors.incrementAndGet(); }
    }, KEY);
  }

  private static Line[] lines() {
    return new Line[] {new Line(7, 100, "one two three", 3), new Line(8, 101, "four", 1)};
  }

  private LambdaInvoker.Outcome call(AzureInvoker inv) throws Exception {
    return inv.invoke(lines(), new LambdaInvoker.Outcome(), -1).get(20, TimeUnit.SECONDS);
  }

  @Test
  void postsToTheFunctionRouteWithTheKeyAndDecodesTheAnswer() throws Exception {
    try (AzureInvoker inv = invoker(cfg())) {
      LambdaInvoker.Outcome o = call(inv);
      assertTrue(o.succeeded());
      assertArrayEquals(new int[] {3, 1}, o.tokenCounts);
      assertEquals(1, o.attempts);
      assertTrue(o.cold);
      assertEquals(2.5, o.durationMs);
      assertEquals(250.0, o.initMs);
      assertEquals(List.of("POST /api/spillway-offload"), paths);
      assertEquals(List.of(KEY), keys);
    }
  }

  @Test
  void throttlesAreRetriedWithTheThrottleBackoffThenSucceed() throws Exception {
    status = n -> n <= 2 ? 429 : 200;
    try (AzureInvoker inv = invoker(cfg())) {
      LambdaInvoker.Outcome o = call(inv);
      assertTrue(o.succeeded());
      assertEquals(3, o.attempts);
      assertEquals(2, o.throttles);
      assertEquals(0, o.errors);
      assertEquals(2, throttles.get());
    }
  }

  @Test
  void functionErrorsAreRetriedUpToMaxAttemptsThenTheBatchFallsBack() throws Exception {
    status = n -> 500;
    try (AzureInvoker inv = invoker(cfg())) {
      LambdaInvoker.Outcome o = call(inv);
      assertFalse(o.succeeded());
      assertEquals(3, o.attempts);
      assertEquals(3, o.errors);
      assertEquals("function error: http 500", o.lastFailure);
      assertEquals(3, calls.get());
    }
  }

  @Test
  void unauthorizedIsNotRetriedAndTheKeyNeverAppearsInTheFailure() throws Exception {
    status = n -> 401;
    try (AzureInvoker inv = invoker(cfg())) {
      LambdaInvoker.Outcome o = call(inv);
      assertFalse(o.succeeded());
      assertEquals(1, o.attempts);
      assertEquals(1, o.errors);
      assertEquals("http 401", o.lastFailure);
      assertFalse(o.lastFailure.contains(KEY));
    }
  }

  @Test
  void anAttemptPastItsTimeoutIsAnErrorAndIsRetried() throws Exception {
    JobConfig.OffloadCfg c = cfg();
    c.attemptTimeoutMs = 200;
    c.maxAttempts = 2;
    delayMs = 1000;
    try (AzureInvoker inv = invoker(c)) {
      LambdaInvoker.Outcome o = call(inv);
      assertFalse(o.succeeded());
      assertEquals(2, o.attempts);
      assertEquals(2, o.errors);
      assertTrue(o.lastFailure.startsWith("timeout"), o.lastFailure);
    }
  }

  @Test
  void theJobConfigSelectsTheInvoker() throws Exception {
    JobConfig.OffloadCfg c = cfg();
    try (BatchInvoker b = Invokers.create(c, 0, null)) {
      assertInstanceOf(AzureInvoker.class, b);
    }
    c.functionUrl = "https://example.invalid/api/other";
    assertEquals("https://example.invalid/api/other", c.azureFunctionUrl());
  }

  @Test
  void theConfigRejectsAnUnknownPlatformAndAzureWithoutAUrl() {
    String base = "{\"duration_s\":1,\"trace\":[[0,1]],\"output_dir\":\"/tmp/x\",\"offload\":{%s}}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobConfig.parse(String.format(base, "\"platform\":\"gcp\"")));
    assertEquals("offload.platform must be lambda or azure", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(String.format(base, "\"platform\":\"azure\"")));
    assertTrue(e.getMessage().contains("offload.function_url or offload.endpoint_url"), e.getMessage());
  }
}
