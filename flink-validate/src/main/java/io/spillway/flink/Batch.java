package io.spillway.flink;

/** A batch of offloaded lines plus the in-flight limit from the decision that routed them. */
public class Batch {
  public Line[] lines;
  public int maxInFlight;
  public long decisionVersion;

  public Batch() {}

  public Batch(Line[] lines, int maxInFlight, long decisionVersion) {
    this.lines = lines;
    this.maxInFlight = maxInFlight;
    this.decisionVersion = decisionVersion;
  }
}
