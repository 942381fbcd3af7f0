package io.spillway.flink;

import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The local tokenizer: per-record busy cost, then the shared tokenizer rule; one Result per line with its token count.
 *
 * <p>With an output directory it also times each record's work (System.nanoTime around the busy cost and the
 * tokenizing, not around emitting the result, which can block on backpressure) and keeps a bounded deterministic
 * sample ({@link Samples}, at most {@link #MAX_SAMPLES} over all subtasks) that it writes when it closes as
 * {@code service_times-<subtask>.csv} ({@code service_us,vertex}); Main joins the parts into
 * {@code service_times.csv}, the per-record timings {@code spillway calibrate} reads.
 */
public class LocalTokenizer extends RichFlatMapFunction<Line, Result> {
  private static final long serialVersionUID = 1L;
  public static final int MAX_SAMPLES = 20_000;
  public static final String SAMPLES_FILE = "service_times";
  private final long workUs;
  private final String outputDir;
  /** Wait mode: the service-time law and the stream's seed; null = cpu mode (busy-spin workUs). */
  private final WorkSampler waitLaw;
  private final long seed;
  private transient Samples samples;
  private transient WorkSampler draws;
  private transient ServiceWait wait;

  public LocalTokenizer(long workUs) { this(workUs, null); }

  public LocalTokenizer(long workUs, String outputDir) { this(workUs, outputDir, null, 0); }

  /** With {@code waitLaw}, each record parks the task thread for a draw from it (wait mode) instead of spinning. */
  public LocalTokenizer(long workUs, String outputDir, WorkSampler waitLaw, long seed) {
    this.workUs = workUs;
    this.outputDir = outputDir;
    this.waitLaw = waitLaw;
    this.seed = seed;
  }

  /** The seed of one subtask's service-time stream (distinct per subtask and per role). */
  public static long streamSeed(long seed, String role, int subtask) {
    return seed * 1_000_003L + role.hashCode() * 31L + subtask;
  }

  @Override
  public void open(OpenContext ctx) {
    if (waitLaw != null) {
      draws = new WorkSampler(waitLaw.spec()).seeded(streamSeed(seed, "tokenizer", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
      wait = new ServiceWait();
    }
    if (outputDir != null) {
      int p = Math.max(1, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
      samples = new Samples("service_us,vertex", Math.max(1000, MAX_SAMPLES / p));
    }
  }

  @Override
  public void flatMap(Line line, Collector<Result> out) {
    long t0 = System.nanoTime();
    if (wait != null) wait.hold(draws.nextMs());
    else Tokenizer.burn(workUs);
    int tokens = Tokenizer.countTokens(line.text);
    long ns = System.nanoTime() - t0;
    if (samples != null) {
      if (samples.wantsNext()) samples.add(String.format(Locale.ROOT, "%.1f,%s", ns / 1000.0, JobBuilder.TOKENIZER));
      else samples.add(null);
    }
    out.collect(Result.of(line, tokens, Result.LOCAL));
  }

  @Override
  public void close() {
    if (samples != null) samples.writePart(outputDir, SAMPLES_FILE, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
  }
}
