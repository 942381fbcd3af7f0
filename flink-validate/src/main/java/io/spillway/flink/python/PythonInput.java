package io.spillway.flink.python;

import io.spillway.flink.Line;
import io.spillway.flink.LocalTokenizer;
import io.spillway.flink.WorkSampler;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.Row;

/**
 * Before the Python tokenizer: a line as a row for the table function, with the record's work attached. Wait mode
 * draws each record's service time here, from the same seeded stream per subtask as {@link LocalTokenizer}, so a
 * Python run holds each record for the same draws as a Java run; the Python worker only sleeps them.
 */
public class PythonInput extends RichMapFunction<Line, Row> {
  private static final long serialVersionUID = 1L;
  public static final String[] FIELDS = {"seq", "t", "text", "expected", "work_us", "wait_ms"};
  private final long workUs;
  private final WorkSampler waitLaw;
  private final long seed;
  private transient WorkSampler draws;

  public PythonInput(long workUs, WorkSampler waitLaw, long seed) {
    this.workUs = workUs;
    this.waitLaw = waitLaw;
    this.seed = seed;
  }

  public static TypeInformation<Row> rowType() {
    return Types.ROW_NAMED(FIELDS, Types.LONG, Types.LONG, Types.STRING, Types.INT, Types.LONG, Types.DOUBLE);
  }

  @Override
  public void open(OpenContext ctx) {
    if (waitLaw == null) return;
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    draws = new WorkSampler(waitLaw.spec()).seeded(LocalTokenizer.streamSeed(seed, "tokenizer", subtask));
  }

  @Override
  public Row map(Line l) {
    double waitMs = draws == null ? 0.0 : draws.nextMs();
    return Row.of(l.seq, l.t, l.text == null ? "" : l.text, l.expectedTokens, draws == null ? workUs : 0L, waitMs);
  }
}
