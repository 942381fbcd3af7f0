package io.spillway.flink.python;

import io.spillway.flink.JobBuilder;
import io.spillway.flink.LocalTokenizer;
import io.spillway.flink.Result;
import io.spillway.flink.Samples;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.types.Row;

/**
 * After the Python tokenizer: its row (seq, t, expected, tokens, service ns) back as the job's {@link Result}. With an
 * output directory it keeps the same bounded sample of per-record service times as {@link LocalTokenizer}, from the
 * time the Python worker measured around its own work, written as {@code service_times-<subtask>.csv}.
 */
public class PythonResult extends RichMapFunction<Row, Result> {
  private static final long serialVersionUID = 1L;
  private final String outputDir;
  private transient Samples samples;

  public PythonResult(String outputDir) { this.outputDir = outputDir; }

  @Override
  public void open(OpenContext ctx) {
    if (outputDir == null) return;
    int p = Math.max(1, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
    samples = new Samples("service_us,vertex", Math.max(1000, LocalTokenizer.MAX_SAMPLES / p));
  }

  @Override
  public Result map(Row row) {
    Result r = new Result();
    r.seq = (Long) row.getField(0);
    r.t = (Long) row.getField(1);
    r.expectedTokens = (Integer) row.getField(2);
    r.tokenCount = (Integer) row.getField(3);
    r.path = Result.LOCAL;
    if (samples != null) {
      long ns = (Long) row.getField(4);
      samples.add(samples.wantsNext() ? String.format(Locale.ROOT, "%.1f,%s", ns / 1000.0, JobBuilder.TOKENIZER) : null);
    }
    return r;
  }

  @Override
  public void close() {
    if (samples != null) samples.writePart(outputDir, LocalTokenizer.SAMPLES_FILE, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
  }
}
