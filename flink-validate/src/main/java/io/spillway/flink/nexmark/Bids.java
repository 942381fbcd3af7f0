package io.spillway.flink.nexmark;

import io.spillway.flink.Line;
import io.spillway.flink.Tokenizer;
import io.spillway.flink.Trace;
import io.spillway.flink.shapes.Shape;
import io.spillway.flink.shapes.ShapeCfg;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** The bid stream the Nexmark shapes read: source record seq n → the n-th bid, event time = its trace offset. */
public final class Bids {
  public static final String GENERATE = "source.generate-bids";

  private Bids() {}

  /** The n-th bid with event time trace.offsetMs(n) and intended arrival t. */
  public static Bid bid(NexmarkGen gen, Trace trace, long n, long t) {
    Bid b = gen.bid(NexmarkGen.bidEventId(n), trace.offsetMs(n));
    b.seq = n;
    b.t = t;
    return b;
  }

  /** Chained to the reader (same parallelism, forward): the source task makes the bids. */
  public static SingleOutputStreamOperator<Bid> of(DataStream<Line> source,
      Trace trace, long seed, ShapeCfg cfg) {
    NexmarkGen gen = new NexmarkGen(seed);
    long us = cfg.workUs(Shape.SOURCE);
    return source
        .map((MapFunction<Line, Bid>) l -> {
          Tokenizer.burn(us);
          return bid(gen, trace, l.seq, l.t);
        }, TypeInformation.of(Bid.class))
        .name(GENERATE).uid(GENERATE)
        .setParallelism(cfg.parallelism(Shape.SOURCE));
  }
}
