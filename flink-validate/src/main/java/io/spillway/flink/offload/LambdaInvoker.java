package io.spillway.flink.offload;

import io.spillway.flink.JobConfig;
import io.spillway.flink.Line;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Invokes the tokenize function for one batch through {@link LambdaAsyncClient} (SDK retries off), retrying throttles
 * (429), function errors, timeouts, 5xx and bad responses with backoff up to max_attempts; then reports failure so the
 * caller falls back to local tokenization. Each batch's outcome is exactly one of success or fallback.
 */
public final class LambdaInvoker implements BatchInvoker {

  /** Observer of per-attempt events (metric counters). Called from SDK threads. */
  public interface Listener {
    default void onAttempt() {}
    default void onThrottle() {}
    default void onError(String kind) {}
    default void onCold() {}
    default void onRtt(long ms) {}
    default void onFunctionTime(double durationMs, double initMs) {}
  }

  /** Result of one batch: tokenCounts != null on success, null when the caller must fall back. */
  public static final class Outcome {
    public volatile int[] tokenCounts;
    public volatile int attempts;
    public volatile int throttles;
    public volatile int errors;
    public volatile boolean cold;
    /** Function-reported duration (ms) of the successful answer, and init_ms when cold. */
    public volatile double durationMs;
    public volatile double initMs;
    /** Round trip (ms) the client saw for the successful attempt, and the request payload's size. */
    public volatile double clientMs;
    public volatile int payloadBytes;
    public volatile String lastFailure;
    /** The decoded answer of the successful attempt (any operation); null until one succeeds. */
    public volatile Payloads.Decoded answer;

    public boolean succeeded() { return tokenCounts != null || answer != null; }
  }

  /** Decodes and checks one answer body; a {@link Payloads.BadResponseException} makes the attempt fail (retried). */
  public interface Decoder {
    Payloads.Decoded decode(byte[] body) throws Payloads.BadResponseException;
  }

  private final LambdaAsyncClient client;
  private final JobConfig.OffloadCfg cfg;
  private final long workUsPerRecord;
  private final int maxAttempts;
  private final Backoff backoff;
  private final ScheduledExecutorService scheduler;
  private final Listener listener;

  public LambdaInvoker(JobConfig.OffloadCfg cfg, long workUsPerRecord, Listener listener) {
    this.workUsPerRecord = workUsPerRecord;
    this.maxAttempts = cfg.maxAttempts;
    this.backoff = new Backoff(cfg.backoffBaseMs, cfg.throttleBackoffBaseMs, cfg.backoffMaxMs);
    this.listener = listener == null ? new Listener() {} : listener;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "offload-retry");
      t.setDaemon(true);
      return t;
    });
    this.client = LambdaClients.build(cfg);
    this.cfg = cfg;
  }

  /**
   * Warms the client (class loading, connection, TLS, signing) with one DryRun call, which Lambda answers with 204
   * without running the function: no cold start is triggered and nothing is billed. Errors are ignored.
   */
  @Override
  public CompletableFuture<Void> warmUp() {
    try {
      return client.invoke(LambdaClients.request(cfg, InvocationType.DRY_RUN, SdkBytes.fromUtf8String("{}"))).handle((r, e) -> null);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(null);
    }
  }

  public CompletableFuture<Outcome> invoke(Line[] lines) {
    return invoke(lines, new Outcome());
  }

  /** Invokes with a caller-owned outcome (so a caller timing out can read the attempts made so far). */
  public CompletableFuture<Outcome> invoke(Line[] lines, Outcome o) {
    return invoke(lines, o, -1);
  }

  /** {@code waitMs} >= 0: wait mode, the function holds the batch that long (timer) and spins nothing. */
  @Override
  public CompletableFuture<Outcome> invoke(Line[] lines, Outcome o, double waitMs) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    byte[] payload = waitMs >= 0 ? Payloads.encodeRequest(0, waitMs, lines) : Payloads.encodeRequest(workUsPerRecord, lines);
    attempt(body -> Payloads.decodeResponse(body, lines), payload, o, done);
    return done;
  }

  /** Any operation: sends {@code payload}, checks each answer with {@code decoder}, same retries and outcome. */
  public CompletableFuture<Outcome> invoke(byte[] payload, Decoder decoder, Outcome o) {
    CompletableFuture<Outcome> done = new CompletableFuture<>();
    attempt(decoder, payload, o, done);
    return done;
  }

  private void attempt(Decoder decoder, byte[] payload, Outcome o, CompletableFuture<Outcome> done) {
    o.attempts++;
    listener.onAttempt();
    InvokeRequest req = LambdaClients.request(cfg, InvocationType.REQUEST_RESPONSE, SdkBytes.fromByteArrayUnsafe(payload));
    long started = System.nanoTime();
    CompletableFuture<InvokeResponse> f;
    try {
      f = client.invoke(req);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((resp, err) -> {
      boolean throttled = false;
      boolean retryable = true;
      String failure = null;
      try {
        listener.onRtt((System.nanoTime() - started) / 1_000_000);
        if (err != null) {
          Throwable c = unwrap(err);
          if (c instanceof TooManyRequestsException
              || (c instanceof AwsServiceException && ((AwsServiceException) c).statusCode() == 429)) {
            throttled = true;
            failure = "throttled";
          } else if (c instanceof AwsServiceException) {
            int sc = ((AwsServiceException) c).statusCode();
            failure = "http " + sc + ": " + ((AwsServiceException) c).awsErrorDetails().errorCode();
            retryable = sc >= 500 || sc == 408;
          } else if (c instanceof SdkException) {
            failure = c.getClass().getSimpleName() + ": " + c.getMessage();
          } else {
            failure = String.valueOf(c);
          }
        } else if (resp.functionError() != null) {
          failure = "function error: " + resp.functionError();
        } else if (resp.statusCode() != null && resp.statusCode() != 200) {
          failure = "status " + resp.statusCode();
        } else {
          Payloads.Decoded d = decoder.decode(resp.payload().asByteArrayUnsafe());
          o.cold = d.cold;
          o.durationMs = d.durationMs;
          o.initMs = d.cold ? d.initMs : 0.0;
          o.clientMs = (System.nanoTime() - started) / 1e6;
          o.payloadBytes = payload.length;
          o.tokenCounts = d.tokenCounts;
          o.answer = d;
          if (d.cold) listener.onCold();
          listener.onFunctionTime(d.durationMs, o.initMs);
          done.complete(o);
          return;
        }
      } catch (Payloads.BadResponseException e) {
        failure = "bad response: " + e.getMessage();
      } catch (RuntimeException e) {
        failure = "client failure: " + e;
      }
      o.lastFailure = failure;
      if (throttled) {
        o.throttles++;
        listener.onThrottle();
      } else {
        o.errors++;
        listener.onError(failure);
      }
      if (!retryable || o.attempts >= maxAttempts || done.isDone()) {
        done.complete(o); // tokenCounts == null -> caller falls back
        return;
      }
      long delay = backoff.delayMs(o.attempts, throttled);
      try {
        scheduler.schedule(() -> attempt(decoder, payload, o, done), delay, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        done.complete(o);
      }
    });
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    client.close();
  }
}
