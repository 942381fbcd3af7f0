package io.spillway.flink.offload;

import io.spillway.flink.JobConfig;
import io.spillway.flink.Line;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Invokes the offload function through its Azure Functions HTTP trigger (POST to the function URL, the function key in
 * {@code x-functions-key}) with {@link HttpClient}, asynchronously. The same semantics as {@link LambdaInvoker}:
 * throttles (429) retry with the throttle backoff; function errors (500), other 5xx, 408, timeouts, connection
 * failures and bad answers retry with the error backoff, up to max_attempts; 400, 401, 403, 404, 413 do not retry
 * (retrying cannot help). A batch that gets no answer falls back to local tokenization. The key is read from the
 * environment variable the config names and is never logged or put in a failure message.
 */
public final class AzureInvoker implements BatchInvoker {

  /** Where the key comes from when the config names no variable. */
  public static final String DEFAULT_KEY_ENV = "SPILLWAY_AZURE_FUNCTION_KEY";

  private final HttpClient client;
  private final URI functionUri;
  private final String functionKey;
  private final long workUsPerRecord;
  private final long attemptTimeoutMs;
  private final int maxAttempts;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private final LambdaInvoker.Listener listener;

  public AzureInvoker(JobConfig.OffloadCfg cfg, long workUsPerRecord, LambdaInvoker.Listener listener) {
    this(cfg, workUsPerRecord, listener, System.getenv(cfg.functionKeyEnv != null ? cfg.functionKeyEnv : DEFAULT_KEY_ENV));
  }

  /** With the key given (tests); null sends no key (an anonymous function). */
  public AzureInvoker(JobConfig.OffloadCfg cfg, long workUsPerRecord, LambdaInvoker.Listener listener, String functionKey) {
    this.functionUri = URI.create(cfg.azureFunctionUrl());
    this.functionKey = functionKey == null || functionKey.isBlank() ? null : functionKey;
    this.workUsPerRecord = workUsPerRecord;
    this.attemptTimeoutMs = cfg.attemptTimeoutMs;
    this.maxAttempts = cfg.maxAttempts;
    this.backoff = new Backoff(cfg.backoffBaseMs, cfg.throttleBackoffBaseMs, cfg.backoffMaxMs);
    this.listener = listener == null ? new LambdaInvoker.Listener() {} : listener;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "offload-retry");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(Math.min(cfg.attemptTimeoutMs, 5000)))
        .build();
  }

  /** Nothing to warm without running the function (Azure has no dry run); the first batch opens the connection. */
  @Override
  public CompletableFuture<Void> warmUp() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<LambdaInvoker.Outcome> invoke(Line[] lines, LambdaInvoker.Outcome o, double waitMs) {
    CompletableFuture<LambdaInvoker.Outcome> done = new CompletableFuture<>();
    byte[] payload = waitMs >= 0 ? Payloads.encodeRequest(0, waitMs, lines) : Payloads.encodeRequest(workUsPerRecord, lines);
    attempt(lines, payload, o, done);
    return done;
  }

  private HttpRequest request(byte[] payload) {
    HttpRequest.Builder b = HttpRequest.newBuilder(functionUri)
        .timeout(Duration.ofMillis(attemptTimeoutMs))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
    if (functionKey != null) b.header("x-functions-key", functionKey);
    return b.build();
  }

  private void attempt(Line[] lines, byte[] payload, LambdaInvoker.Outcome o, CompletableFuture<LambdaInvoker.Outcome> done) {
    o.attempts++;
    listener.onAttempt();
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> f;
    try {
      f = client.sendAsync(request(payload), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((resp, err) -> {
      listener.onRtt((System.nanoTime() - started) / 1_000_000);
      Failure fail;
      try {
        fail = err != null ? transportFailure(err) : answer(resp, lines, payload.length, started, o);
      } catch (RuntimeException e) {
        fail = new Failure("client failure: " + e.getClass().getSimpleName(), false, true);
      }
      if (fail == null) {
        done.complete(o);
        return;
      }
      retryOrGiveUp(lines, payload, o, done, fail);
    });
  }

  /** The answer's meaning: null on success (o filled in), else why it failed and whether to retry. */
  private Failure answer(HttpResponse<byte[]> resp, Line[] lines, int payloadBytes, long started, LambdaInvoker.Outcome o) {
    int sc = resp.statusCode();
    if (sc == 429) return new Failure("throttled", true, true);
    if (sc != 200) return new Failure(sc == 500 ? "function error: http 500" : "http " + sc, false, sc >= 500 || sc == 408);
    try {
      Payloads.Decoded d = Payloads.decodeResponse(resp.body(), lines);
      o.cold = d.cold;
      o.durationMs = d.durationMs;
      o.initMs = d.cold ? d.initMs : 0.0;
      o.clientMs = (System.nanoTime() - started) / 1e6;
      o.payloadBytes = payloadBytes;
      o.tokenCounts = d.tokenCounts;
      if (d.cold) listener.onCold();
      listener.onFunctionTime(d.durationMs, o.initMs);
      return null;
    } catch (Payloads.BadResponseException e) {
      return new Failure("bad response: " + e.getMessage(), false, true);
    }
  }

  private static Failure transportFailure(Throwable err) {
    Throwable c = err;
    while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
    String kind = c instanceof HttpTimeoutException ? "timeout" : c.getClass().getSimpleName();
    return new Failure(kind + ": " + c.getMessage(), false, true);
  }

  private void retryOrGiveUp(Line[] lines, byte[] payload, LambdaInvoker.Outcome o, CompletableFuture<LambdaInvoker.Outcome> done, Failure fail) {
    o.lastFailure = fail.why;
    if (fail.throttled) {
      o.throttles++;
      listener.onThrottle();
    } else {
      o.errors++;
      listener.onError(fail.why);
    }
    if (!fail.retryable || o.attempts >= maxAttempts || done.isDone()) {
      done.complete(o); // tokenCounts == null -> caller falls back
      return;
    }
    long delay = backoff.delayMs(o.attempts, fail.throttled);
    try {
      scheduler.schedule(() -> attempt(lines, payload, o, done), delay, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      done.complete(o);
    }
  }

  private static final class Failure {
    final String why;
    final boolean throttled;
    final boolean retryable;

    Failure(String why, boolean throttled, boolean retryable) {
      this.why = why;
      this.throttled = throttled;
      this.retryable = retryable;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
