package io.spillway.flink.offload;

import io.spillway.flink.Line;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one batch to the offload function, with retries, and reports success (token counts) or failure (the caller
 * falls back to local tokenization). One implementation per platform: {@link LambdaInvoker} (the Lambda Invoke API)
 * and {@link AzureInvoker} (an Azure Functions HTTP trigger); {@link Invokers#create} picks one from the job config.
 */
public interface BatchInvoker extends AutoCloseable {

  /** Warms the client without running the function (best effort; errors are ignored). */
  CompletableFuture<Void> warmUp();

  /** {@code waitMs} >= 0: wait mode, the function holds the batch that long; -1: cpu mode. */
  CompletableFuture<LambdaInvoker.Outcome> invoke(Line[] lines, LambdaInvoker.Outcome o, double waitMs);

  @Override
  void close();
}
