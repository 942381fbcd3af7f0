package io.spillway.flink;

import java.util.ArrayList;
import java.util.List;

/** Pure batching logic: a batch closes when it holds batchRecords lines or its first line has waited maxWaitMs. */
public final class Batcher {
  private final List<Line> lines = new ArrayList<>();
  private long firstAtMs = -1;
  private int batchRecords = 1;
  private long maxWaitMs;
  private int maxInFlight = 1;
  private long version;

  /** Adds a line; returns a full batch to send, or null. */
  public Batch add(RoutedLine r, long nowMs) {
    batchRecords = Math.max(1, r.batchRecords);
    maxWaitMs = Math.max(0, r.maxWaitMs);
    maxInFlight = Math.max(1, r.maxInFlight);
    version = r.decisionVersion;
    if (lines.isEmpty()) firstAtMs = nowMs;
    lines.add(r.line);
    if (lines.size() >= batchRecords || maxWaitMs == 0) return take();
    return null;
  }

  /** Deadline (epoch ms) of the open batch, or -1 when empty. */
  public long deadlineMs() { return lines.isEmpty() ? -1 : firstAtMs + maxWaitMs; }

  /** Returns the open batch if its deadline has passed. */
  public Batch onTime(long nowMs) {
    if (!lines.isEmpty() && nowMs >= firstAtMs + maxWaitMs) return take();
    return null;
  }

  /** Returns whatever is open (end of input), or null. */
  public Batch flush() { return lines.isEmpty() ? null : take(); }

  public int size() { return lines.size(); }

  private Batch take() {
    Batch b = new Batch(lines.toArray(new Line[0]), maxInFlight, version);
    lines.clear();
    firstAtMs = -1;
    return b;
  }
}
