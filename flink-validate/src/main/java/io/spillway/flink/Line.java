package io.spillway.flink;

/** One input record: a line of text with its sequence number and intended arrival time (epoch ms). */
public class Line {
  public long seq;
  public long t;
  public String text;
  /** Token count the generator knows the line has (checked at the sink against what the tokenizer produced). */
  public int expectedTokens;

  public Line() {}

  public Line(long seq, long t, String text, int expectedTokens) {
    this.seq = seq;
    this.t = t;
    this.text = text;
    this.expectedTokens = expectedTokens;
  }

  @Override
  public String toString() { return "Line{" + seq + "," + t + "," + text + "}"; }
}
