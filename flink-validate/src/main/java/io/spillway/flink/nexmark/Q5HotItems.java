package io.spillway.flink.nexmark;

import io.spillway.flink.Line;
import io.spillway.flink.Trace;
import io.spillway.flink.shapes.Digest;
import io.spillway.flink.shapes.Expected;
import io.spillway.flink.shapes.HotItems;
import io.spillway.flink.shapes.Row;
import io.spillway.flink.shapes.Shape;
import io.spillway.flink.shapes.ShapeCfg;
import io.spillway.flink.shapes.WindowCount;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * A q5-like hot-items query (examples/nexmark-q5-window.json): bids → hash by auction → auction_window_count (tumbling
 * event-time window, count per auction) → sink, where the sink picks each window's hot item (q5's max count).
 * q5 itself uses a 10 s window sliding by 2 s; the scenario (and so this job) uses a 10 s tumbling one.
 */
public final class Q5HotItems implements Shape {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "nexmark-q5";
  public static final String WINDOW = "auction_window_count";

  static final class CountBids extends WindowCount.Count<Bid> {
    private static final long serialVersionUID = 1L;
    CountBids(long workUs) { super(workUs); }
    @Override protected long arrival(Bid b) { return b.t; }
    @Override protected long eventTime(Bid b) { return b.timeMs; }
  }

  @Override
  public DataStream<Row> build(DataStream<Line> source, Trace trace, long seed, ShapeCfg cfg) {
    return Bids.of(source, trace, seed, cfg)
        .assignTimestampsAndWatermarks(WatermarkStrategy.<Bid>forMonotonousTimestamps().withTimestampAssigner((b, ts) -> b.timeMs))
        .name("source.event-time").uid("source.event-time")
        .setParallelism(cfg.parallelism(Shape.SOURCE))
        .keyBy((KeySelector<Bid, String>) b -> Long.toString(b.auction))
        .window(TumblingEventTimeWindows.of(Duration.ofMillis(cfg.windowMs)))
        .aggregate(new CountBids(cfg.workUs(WINDOW)), new WindowCount.Emit(),
            TypeInformation.of(long[].class), TypeInformation.of(long[].class), TypeInformation.of(Row.class))
        .name(WINDOW).uid(WINDOW)
        .setParallelism(cfg.parallelism(WINDOW))
        .rebalance(); // the scenario's window -> sink edge
  }

  @Override
  public Expected expected(Trace trace, long seed, ShapeCfg cfg) {
    NexmarkGen gen = new NexmarkGen(seed);
    Map<Long, Map<String, Long>> counts = new HashMap<>();
    for (long n = 0; n < trace.total(); n++) {
      Bid b = Bids.bid(gen, trace, n, 0);
      counts.computeIfAbsent(WindowCount.windowOf(b.timeMs, cfg.windowMs), w -> new HashMap<>())
          .merge(Long.toString(b.auction), 1L, Long::sum);
    }
    return windowsExpected(counts, trace.total());
  }

  /** Digest and hot items of per-(window, key) counts. */
  public static Expected windowsExpected(Map<Long, Map<String, Long>> counts, long inputs) {
    Digest d = new Digest();
    HotItems hot = new HotItems();
    counts.forEach((w, byKey) -> byKey.forEach((k, c) -> {
      d.add(Row.window(w, k, c, 0));
      hot.add(w, k, c);
    }));
    return new Expected(d, inputs, hot.list());
  }

  @Override public java.util.List<String> vertices(ShapeCfg cfg) { return java.util.List.of(WINDOW); }

  @Override public boolean windowed() { return true; }
}
