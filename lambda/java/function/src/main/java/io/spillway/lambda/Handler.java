package io.spillway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The offload function in Java (runtime java17 or java21, handler {@code io.spillway.lambda.Handler}): the same
 * contract as the Node and Python handlers (docs/LAMBDA.md), held to lambda/testdata/vectors.json. The input type is
 * Object, not Map, so a non-object event reaches the handler and is refused with the same message as elsewhere.
 */
public final class Handler implements RequestHandler<Object, Map<String, Object>> {
  // Static init runs once per execution environment: its identity and how long the JVM took to get here.
  static final String ENV_ID = UUID.randomUUID().toString();
  static final double INIT_MS = Ops.round3(processAgeMs());
  private static final AtomicLong INVOCATIONS = new AtomicLong();

  @Override
  public Map<String, Object> handleRequest(Object event, Context context) {
    long started = System.nanoTime();
    boolean cold = INVOCATIONS.getAndIncrement() == 0;
    Request req = Request.parse(event);
    Ops.hold(req.waitMs());
    Map<String, Object> out = Ops.run(req);
    out.put("env", ENV_ID);
    out.put("cold", cold);
    if (cold) out.put("init_ms", INIT_MS);
    out.put("duration_ms", Ops.round3((System.nanoTime() - started) / 1e6));
    return out;
  }

  /** Milliseconds since the JVM process started (the OS's start time), so init includes JVM start-up. */
  private static double processAgeMs() {
    return ProcessHandle.current().info().startInstant()
        .map(t -> Duration.between(t, Instant.now()).toNanos() / 1e6)
        .map(ms -> Math.max(0.0, ms))
        .orElse(0.0);
  }
}
