package io.spillway.flink.shapes;

import io.spillway.flink.Tokenizer;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Count per key and window; acc = [count, t0] where t0 = a record's intended arrival minus its event time (the same
 * for every record: the run's epoch), so a result's latency is measured from its window's end, as the simulator does.
 */
public final class WindowCount {
  private WindowCount() {}

  /** Window start of event time {@code timeMs} for tumbling windows of {@code sizeMs} (Flink's assignment, offset 0). */
  public static long windowOf(long timeMs, long sizeMs) { return timeMs - Math.floorMod(timeMs, sizeMs); }

  /** Counts records; the caller extracts a record's intended arrival (epoch ms) and event time (ms from t = 0). */
  public abstract static class Count<T> implements AggregateFunction<T, long[], long[]> {
    private static final long serialVersionUID = 1L;
    private final long workUs;

    /** {@code workUs}: the window vertex's busy-spin per record (the scenario's mean service time). */
    protected Count(long workUs) { this.workUs = workUs; }

    protected abstract long arrival(T value);

    protected abstract long eventTime(T value);

    @Override public long[] createAccumulator() { return new long[] {0, 0}; }

    @Override
    public long[] add(T value, long[] acc) {
      Tokenizer.burn(workUs);
      acc[0]++;
      acc[1] = arrival(value) - eventTime(value);
      return acc;
    }

    @Override public long[] getResult(long[] acc) { return acc; }

    @Override public long[] merge(long[] a, long[] b) { return new long[] {a[0] + b[0], a[0] > 0 ? a[1] : b[1]}; }
  }

  /** Emits one window row per (window, key); its t is the window's end on the intended-arrival clock. */
  public static final class Emit extends ProcessWindowFunction<long[], Row, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String key, Context ctx, Iterable<long[]> counts, Collector<Row> out) {
      long[] acc = counts.iterator().next();
      out.collect(Row.window(ctx.window().getStart(), key, acc[0], acc[1] + ctx.window().getEnd()));
    }
  }
}
