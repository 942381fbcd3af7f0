package io.spillway.flink.offload;

import io.spillway.flink.JobConfig;
import java.net.URI;
import java.time.Duration;
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
 * The one way the job builds its Lambda client and requests (the tokenizer's {@link LambdaInvoker}, the source-side
 * point's source/FunctionClient): SDK retries off (the callers retry with their own backoff), each attempt bounded
 * by attempt_timeout_ms; a local Invoke-API endpoint gets static dummy credentials and a fixed region, real AWS the
 * default credential chain and the configured region (else the default region chain).
 */
public final class LambdaClients {
  private LambdaClients() {}

  public static LambdaAsyncClient build(JobConfig.OffloadCfg cfg) {
    LambdaAsyncClientBuilder b = LambdaAsyncClient.builder()
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .maxConcurrency(cfg.maxConnections)
            .connectionTimeout(Duration.ofMillis(Math.min(cfg.attemptTimeoutMs, 5000)))
            .readTimeout(Duration.ofMillis(cfg.attemptTimeoutMs + 1000)))
        .overrideConfiguration(o -> o
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(Duration.ofMillis(cfg.attemptTimeoutMs))
            .apiCallTimeout(Duration.ofMillis(cfg.attemptTimeoutMs)));
    if (cfg.endpointUrl != null && !cfg.endpointUrl.isBlank()) {
      b.endpointOverride(URI.create(cfg.endpointUrl))
          .region(Region.of(cfg.region != null ? cfg.region : "us-east-1"))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("spillway-local", "spillway-local")));
    } else {
      // Real AWS: the default credential chain (of the named profile, if any).
      DefaultCredentialsProvider.Builder creds = DefaultCredentialsProvider.builder();
      if (cfg.profile != null && !cfg.profile.isBlank()) creds.profileName(cfg.profile);
      b.credentialsProvider(creds.build());
      if (cfg.region != null) b.region(Region.of(cfg.region));
    }
    return b.build();
  }

  /** A request to the configured function (and qualifier, when set). */
  public static InvokeRequest request(JobConfig.OffloadCfg cfg, InvocationType type, SdkBytes payload) {
    InvokeRequest.Builder rb = InvokeRequest.builder().functionName(cfg.functionName).invocationType(type).payload(payload);
    if (cfg.qualifier != null && !cfg.qualifier.isBlank()) rb.qualifier(cfg.qualifier);
    return rb.build();
  }
}
