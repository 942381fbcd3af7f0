package io.spillway.flink;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.offload.Backoff;
import io.spillway.flink.offload.LambdaInvoker;
import io.spillway.flink.offload.Payloads;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LambdaInvokerTest {
  // One stub and one client per timeout for the class: closing an SDK client (Netty event loops) takes ~2 s.
  private static StubLambdaServer stub;
  private static final java.util.Map<Long, LambdaInvoker> invokers = new java.util.HashMap<>();
  private static final AtomicInteger attempts = new AtomicInteger();
  private static final AtomicInteger throttles = new AtomicInteger();
  private static final AtomicInteger errors = new AtomicInteger();
  private static final AtomicInteger colds = new AtomicInteger();

  @BeforeAll
  static void startStub() throws Exception {
    stub = new StubLambdaServer();
  }

  @BeforeEach
  void reset() {
    stub.calls.set(0);
    stub.behaviour = n -> StubLambdaServer.Mode.OK;
    attempts.set(0);
    throttles.set(0);
    errors.set(0);
    colds.set(0);
  }

  @AfterAll
  static void stop() {
    invokers.values().forEach(LambdaInvoker::close);
    stub.close();
  }

  private LambdaInvoker invoker(long attemptTimeoutMs) {
    return invokers.computeIfAbsent(attemptTimeoutMs, LambdaInvokerTest::newInvoker);
  }

  private static LambdaInvoker newInvoker(long attemptTimeoutMs) {
    JobConfig.OffloadCfg c = new JobConfig.OffloadCfg();
    c.functionName = "spillway-tokenize";
    c.endpointUrl = stub.url();
    c.attemptTimeoutMs = attemptTimeoutMs;
    c.backoffBaseMs = 1;
    c.throttleBackoffBaseMs = 2;
    c.backoffMaxMs = 10;
    return new LambdaInvoker(c, 0, new LambdaInvoker.Listener() {
      @Override public void onAttempt() { attempts.incrementAndGet(); }
      @Override public void onThrottle() { throttles.incrementAndGet(); }
      @Override public void onError(String kind) { errors.incrementAndGet(); }
      @Override public void onCold() { colds.incrementAndGet(); }
    });
  }

  private static Line[] lines(int n) {
    TextGen g = new TextGen(5, 2, 6, null, null);
    Line[] out = new Line[n];
    for (int i = 0; i < n; i++) {
      out[i] = new Line();
      out[i].seq = 100 + i;
      out[i].t = 1000 + i;
      g.fill(out[i]);
    }
    return out;
  }

  private LambdaInvoker.Outcome call(int n, long timeoutMs) throws Exception {
    return invoker(timeoutMs).invoke(lines(n)).get(20, TimeUnit.SECONDS);
  }

  @Test
  void successUsesInvokeApiPathAndCountsCold() throws Exception {
    Line[] ls = lines(5);
    LambdaInvoker invoker = invoker(5000);
    LambdaInvoker.Outcome o = invoker.invoke(ls).get(20, TimeUnit.SECONDS);
    assertTrue(o.succeeded());
    assertEquals(1, o.attempts);
    assertTrue(o.cold);
    assertEquals(1.5, o.durationMs);
    assertEquals(123.0, o.initMs);
    for (int i = 0; i < ls.length; i++) assertEquals(ls[i].expectedTokens, o.tokenCounts[i]);
    assertEquals("/2015-03-31/functions/spillway-tokenize/invocations", stub.lastPath);
    assertNotNull(stub.lastAuthorization, "request must be SigV4-signed (dummy credentials)");
    assertTrue(stub.lastAuthorization.contains("Credential=spillway-local/"));
    assertEquals(1, colds.get());
    LambdaInvoker.Outcome warm = invoker.invoke(ls).get(20, TimeUnit.SECONDS);
    assertFalse(warm.cold);
  }

  @Test
  void throttlesRetryThenSucceed() throws Exception {
    stub.behaviour = n -> n <= 2 ? StubLambdaServer.Mode.THROTTLE : StubLambdaServer.Mode.OK;
    LambdaInvoker.Outcome o = call(3, 5000);
    assertTrue(o.succeeded());
    assertEquals(3, o.attempts);
    assertEquals(2, o.throttles);
    assertEquals(0, o.errors);
    assertEquals(3, stub.calls.get());
    assertEquals(2, throttles.get());
  }

  @Test
  void persistentThrottleFallsBackAfterThreeAttempts() throws Exception {
    stub.behaviour = n -> StubLambdaServer.Mode.THROTTLE;
    LambdaInvoker.Outcome o = call(3, 5000);
    assertFalse(o.succeeded());
    assertEquals(3, o.attempts);
    assertEquals(3, o.throttles);
    assertEquals(3, stub.calls.get());
  }

  @Test
  void functionErrorRetriesThenFallsBack() throws Exception {
    stub.behaviour = n -> StubLambdaServer.Mode.FUNCTION_ERROR;
    LambdaInvoker.Outcome o = call(2, 5000);
    assertFalse(o.succeeded());
    assertEquals(3, o.attempts);
    assertEquals(3, o.errors);
    assertTrue(o.lastFailure.contains("Unhandled"), o.lastFailure);
  }

  @Test
  void functionErrorThenSuccess() throws Exception {
    stub.behaviour = n -> n == 1 ? StubLambdaServer.Mode.FUNCTION_ERROR : StubLambdaServer.Mode.OK;
    LambdaInvoker.Outcome o = call(2, 5000);
    assertTrue(o.succeeded());
    assertEquals(2, o.attempts);
    assertEquals(1, o.errors);
  }

  @Test
  void incompleteResponseIsRejectedAndRetried() throws Exception {
    stub.behaviour = n -> n == 1 ? StubLambdaServer.Mode.DROP_RECORD : StubLambdaServer.Mode.OK;
    LambdaInvoker.Outcome o = call(4, 5000);
    assertTrue(o.succeeded());
    assertEquals(2, o.attempts);
    assertEquals(1, o.errors);
  }

  @Test
  void notFoundIsNotRetried() throws Exception {
    stub.behaviour = n -> StubLambdaServer.Mode.NOT_FOUND;
    LambdaInvoker.Outcome o = call(2, 5000);
    assertFalse(o.succeeded());
    assertEquals(1, o.attempts);
    assertTrue(o.lastFailure.contains("404"), o.lastFailure);
  }

  @Test
  void attemptTimeoutRetriesThenFallsBack() throws Exception {
    stub.slowMs = 1500;
    stub.behaviour = n -> StubLambdaServer.Mode.SLOW;
    long t = System.nanoTime();
    LambdaInvoker.Outcome o = call(1, 200);
    assertFalse(o.succeeded());
    assertEquals(3, o.attempts);
    assertEquals(3, o.errors);
    assertTrue((System.nanoTime() - t) / 1e6 < 1500 * 3, "attempt timeout not enforced");
  }

  @Test
  void payloadContract() throws Exception {
    Line[] ls = {new Line(7, 1234, "Héllo \"wörld\"", 2)};
    String req = new String(Payloads.encodeRequest(250, ls), StandardCharsets.UTF_8);
    assertEquals("{\"op\":\"tokenize\",\"work_us_per_record\":250,\"records\":[{\"seq\":7,\"t\":1234,\"text\":\"Héllo \\\"wörld\\\"\"}]}", req);
    String resp = "{\"records\":[{\"seq\":7,\"t\":1234,\"tokens\":[\"héllo\",\"wörld\"]}],\"env\":\"e1\",\"cold\":true,\"init_ms\":88.5,\"duration_ms\":3}";
    Payloads.Decoded d = Payloads.decodeResponse(resp.getBytes(StandardCharsets.UTF_8), ls);
    assertEquals(2, d.tokenCounts[0]);
    assertTrue(d.cold);
    assertEquals("e1", d.env);
    assertEquals(88.5, d.initMs);
    assertThrows(Payloads.BadResponseException.class, () -> Payloads.decodeResponse(
        "{\"records\":[{\"seq\":7,\"tokens\":[]},{\"seq\":7,\"tokens\":[]}]}".getBytes(StandardCharsets.UTF_8), ls));
    assertThrows(Payloads.BadResponseException.class, () -> Payloads.decodeResponse(
        "{\"records\":[{\"seq\":8,\"tokens\":[]}]}".getBytes(StandardCharsets.UTF_8), ls));
    assertThrows(Payloads.BadResponseException.class, () -> Payloads.decodeResponse(
        "{\"errorMessage\":\"x\"}".getBytes(StandardCharsets.UTF_8), ls));
  }

  @Test
  void backoffBounds() {
    Backoff b = new Backoff(100, 500, 20000);
    assertEquals(100, b.ceilingMs(1, false));
    assertEquals(200, b.ceilingMs(2, false));
    assertEquals(1000, b.ceilingMs(2, true));
    assertEquals(20000, b.ceilingMs(40, false));
    for (int i = 0; i < 1000; i++) {
      long d = b.delayMs(2, false);
      assertTrue(d >= 0 && d <= 200);
      long th = b.delayMs(2, true);
      assertTrue(th >= 500 && th <= 1000);
    }
  }
}
