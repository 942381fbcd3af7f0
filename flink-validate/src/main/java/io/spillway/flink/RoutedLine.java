package io.spillway.flink;

/** A line the router sent to the offload path, with the batching parameters of the decision in force. */
public class RoutedLine {
  public Line line;
  public int batchRecords;
  public long maxWaitMs;
  public int maxInFlight;
  public long decisionVersion;

  public RoutedLine() {}

  public RoutedLine(Line line, Decision d) {
    this.line = line;
    this.batchRecords = d.batchRecords;
    this.maxWaitMs = d.maxWaitMs;
    this.maxInFlight = d.maxInFlight;
    this.decisionVersion = d.version;
  }
}
