package io.spillway.flink.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.JobConfig;
import io.spillway.flink.offload.LambdaClients;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * A JSON-in, JSON-out Lambda Invoke client for the source-side point: up to max_attempts tries with the configured
 * backoff; the future fails once they are used up (the caller then does the work locally). The client and its
 * requests are offload/LambdaClients's, as for the tokenizer's LambdaInvoker.
 */
public final class FunctionClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LambdaAsyncClient client;
  private final JobConfig.OffloadCfg cfg;

  public FunctionClient(JobConfig.OffloadCfg cfg) {
    this.cfg = cfg;
    this.client = LambdaClients.build(cfg);
  }

  /** The function's JSON answer, or a failed future after max_attempts failed calls. */
  public CompletableFuture<JsonNode> invoke(byte[] payload) {
    CompletableFuture<JsonNode> done = new CompletableFuture<>();
    attempt(payload, 1, done);
    return done;
  }

  private void attempt(byte[] payload, int n, CompletableFuture<JsonNode> done) {
    client.invoke(LambdaClients.request(cfg, InvocationType.REQUEST_RESPONSE, SdkBytes.fromByteArrayUnsafe(payload))).handle((resp, err) -> {
      String failure = err != null ? String.valueOf(err)
          : resp.functionError() != null ? "function error: " + resp.functionError() : null;
      if (failure == null) {
        try {
          done.complete(JSON.readTree(resp.payload().asByteArrayUnsafe()));
          return null;
        } catch (Exception e) {
          failure = "bad response: " + e.getMessage();
        }
      }
      if (n >= cfg.maxAttempts) {
        done.completeExceptionally(new IllegalStateException(failure));
      } else {
        long delay = Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs << (n - 1));
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> attempt(payload, n + 1, done));
      }
      return null;
    });
  }

  @Override
  public void close() { client.close(); }
}
