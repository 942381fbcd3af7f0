package io.spillway.flink.offload;

import io.spillway.flink.JobConfig;

/** The offload client for the job config's {@code offload.platform}: "lambda" (default) or "azure". */
public final class Invokers {
  private Invokers() {}

  public static BatchInvoker create(JobConfig.OffloadCfg cfg, long workUsPerRecord, LambdaInvoker.Listener listener) {
    return "azure".equals(cfg.platform)
        ? new AzureInvoker(cfg, workUsPerRecord, listener)
        : new LambdaInvoker(cfg, workUsPerRecord, listener);
  }
}
