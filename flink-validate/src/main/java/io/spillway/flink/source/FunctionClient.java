package io.spillway.flink.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.JobConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;

/**
 * A JSON-in, JSON-out Lambda Invoke client for the source-side point: up to max_attempts tries with the configured
 * backoff; the future fails once they are used up (the caller then does the work locally). Client settings as
 * offload/LambdaInvoker (dummy credentials for a local endpoint, the default chains for AWS).
 */
public final class FunctionClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LambdaAsyncClient client;
  private final JobConfig.OffloadCfg cfg;

  public FunctionClient(JobConfig.OffloadCfg cfg) {
    this.cfg = cfg;
    LambdaAsyncClientBuilder b = LambdaAsyncClient.builder()
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(cfg.maxConnections))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofMillis(cfg.attemptTimeoutMs)));
    if (cfg.endpointUrl != null && !cfg.endpointUrl.isBlank()) {
      b.endpointOverride(URI.create(cfg.endpointUrl))
          .region(Region.of(cfg.region != null ? cfg.region : "us-east-1"))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("spillway-local", "spillway-local")));
    } else {
      b.credentialsProvider(DefaultCredentialsProvider.builder().build());
      if (cfg.region != null) b.region(Region.of(cfg.region));
    }
    this.client = b.build();
  }

  /** The function's JSON answer, or a failed future after max_attempts failed calls. */
  public CompletableFuture<JsonNode> invoke(byte[] payload) {
    CompletableFuture<JsonNode> done = new CompletableFuture<>();
    attempt(payload, 1, done);
    return done;
  }

  private void attempt(byte[] payload, int n, CompletableFuture<JsonNode> done) {
    InvokeRequest.Builder rb = InvokeRequest.builder().functionName(cfg.functionName)
        .invocationType(InvocationType.REQUEST_RESPONSE).payload(SdkBytes.fromByteArrayUnsafe(payload));
    if (cfg.qualifier != null && !cfg.qualifier.isBlank()) rb.qualifier(cfg.qualifier);
    client.invoke(rb.build()).handle((resp, err) -> {
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
