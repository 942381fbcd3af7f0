package io.spillway.flink.nexmark;

import io.spillway.flink.Line;
import io.spillway.flink.Tokenizer;
import io.spillway.flink.Trace;
import io.spillway.flink.shapes.Digest;
import io.spillway.flink.shapes.Expected;
import io.spillway.flink.shapes.Row;
import io.spillway.flink.shapes.Shape;
import io.spillway.flink.shapes.ShapeCfg;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Nexmark q1 (examples/nexmark-q1.json): bids → rebalance → currency_map (price x 0.908, dollars to euros, as
 * queries/q1.sql) → sink. The row carries the bid's seq; its value is the euro price in thousandths of a cent (exact).
 */
public final class Q1 implements Shape {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "nexmark-q1";
  public static final String MAP = "currency_map";

  /** Euro price of a bid priced in dollar cents, in thousandths of a euro cent: 0.908 x price, exactly. */
  public static long euroMilli(long priceCents) { return priceCents * 908; }

  public static Row convert(Bid b) {
    return Row.record(b.seq, b.t, b.auction + "/" + b.bidder + "/" + b.channel, euroMilli(b.price));
  }

  @Override
  public DataStream<Row> build(DataStream<Line> source, Trace trace, long seed, ShapeCfg cfg) {
    long mapUs = cfg.workUs(MAP);
    return Bids.of(source, trace, seed, cfg)
        .rebalance()
        .map((MapFunction<Bid, Row>) b -> {
          Tokenizer.burn(mapUs);
          return convert(b);
        }, TypeInformation.of(Row.class))
        .name(MAP).uid(MAP)
        .setParallelism(cfg.parallelism(MAP));
  }

  @Override
  public Expected expected(Trace trace, long seed, ShapeCfg cfg) {
    NexmarkGen gen = new NexmarkGen(seed);
    Digest d = new Digest();
    for (long n = 0; n < trace.total(); n++) d.add(convert(Bids.bid(gen, trace, n, 0)));
    return new Expected(d, trace.total(), List.of());
  }

  @Override public List<String> vertices(ShapeCfg cfg) { return List.of(MAP); }

  @Override public boolean windowed() { return false; }
}
