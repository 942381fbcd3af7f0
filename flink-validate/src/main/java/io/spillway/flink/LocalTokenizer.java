package io.spillway.flink;

import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/** The local tokenizer: per-record busy cost, then the shared tokenizer rule; one Result per line with its token count. */
public class LocalTokenizer extends RichFlatMapFunction<Line, Result> {
  private static final long serialVersionUID = 1L;
  private final long workUs;

  public LocalTokenizer(long workUs) { this.workUs = workUs; }

  @Override
  public void flatMap(Line line, Collector<Result> out) {
    Tokenizer.burn(workUs);
    out.collect(Result.of(line, Tokenizer.countTokens(line.text), Result.LOCAL));
  }
}
