package io.spillway.flink.offload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays like the AWS SDK v2 "standard" retry mode: full jitter for errors
 * (U(0, min(max, base*2^(k-1)))) and equal jitter for throttles (d/2 + U(0, d/2), with a larger base).
 */
public final class Backoff {
  private final long baseMs;
  private final long throttleBaseMs;
  private final long maxMs;

  public Backoff(long baseMs, long throttleBaseMs, long maxMs) {
    this.baseMs = baseMs;
    this.throttleBaseMs = throttleBaseMs;
    this.maxMs = maxMs;
  }

  /** Ceiling of the delay before retry number k (k = 1 for the first retry). */
  public long ceilingMs(int k, boolean throttled) {
    long base = throttled ? throttleBaseMs : baseMs;
    int shift = Math.min(30, Math.max(0, k - 1));
    long d = base << shift;
    if (d < 0 || d > maxMs) d = maxMs;
    return d;
  }

  public long delayMs(int k, boolean throttled) {
    long d = ceilingMs(k, throttled);
    if (d <= 0) return 0;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return throttled ? d / 2 + r.nextLong(d / 2 + 1) : r.nextLong(d + 1);
  }
}
