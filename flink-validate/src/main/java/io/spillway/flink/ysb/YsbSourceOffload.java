package io.spillway.flink.ysb;

import io.spillway.flink.Line;
import io.spillway.flink.Tokenizer;
import io.spillway.flink.Trace;
import io.spillway.flink.shapes.Row;
import io.spillway.flink.shapes.Shape;
import io.spillway.flink.shapes.ShapeCfg;
import io.spillway.flink.source.RawBatch;
import io.spillway.flink.source.RawBatcher;
import io.spillway.flink.source.RawEvent;
import io.spillway.flink.source.ShareRouter;
import io.spillway.flink.source.SourceOffloadCfg;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * YSB with offload at the source (examples/ysb-source-offload.json): the source reads raw JSON text (event time and
 * watermarks from the queue record, as a Kafka timestamp); parse_filter, chained to it, routes a share of the raw
 * records to the function (batched, Async I/O unordered: a watermark passes only after the records before it) and
 * parses and filters the rest itself; both go on to project → join_campaign → window.
 */
public final class YsbSourceOffload {
  private YsbSourceOffload() {}

  public static DataStream<Row> build(DataStream<Line> source, Trace trace, long seed, ShapeCfg cfg) {
    YsbGen gen = new YsbGen(seed);
    SourceOffloadCfg so = cfg.sourceOffload;
    long srcUs = cfg.workUs(Shape.SOURCE), pfUs = cfg.workUs(Ysb.PARSE_FILTER);
    int pfP = cfg.parallelism(Ysb.PARSE_FILTER);
    DataStream<RawEvent> raw = source
        .map((MapFunction<Line, RawEvent>) l -> {
          Tokenizer.burn(srcUs);
          long time = trace.offsetMs(l.seq);
          return new RawEvent(l.seq, l.t, time, gen.json(l.seq, time));
        }, TypeInformation.of(RawEvent.class))
        .name("source.read").uid("source.read").setParallelism(cfg.parallelism(Shape.SOURCE))
        .assignTimestampsAndWatermarks(WatermarkStrategy.<RawEvent>forMonotonousTimestamps().withTimestampAssigner((e, ts) -> e.timeMs))
        .name("source.event-time").uid("source.event-time").setParallelism(cfg.parallelism(Shape.SOURCE));
    SingleOutputStreamOperator<AdEvent> local = raw
        .process(new ShareRouter<AdEvent>(so.share, e -> {
          Tokenizer.burn(pfUs);
          AdEvent a = Ysb.parse(e.text, e.seq, e.t);
          return Ysb.isView(a) ? a : null;
        }), TypeInformation.of(AdEvent.class))
        .name(Ysb.PARSE_FILTER).uid(Ysb.PARSE_FILTER).setParallelism(pfP);
    DataStream<RawBatch> batches = local.getSideOutput(ShareRouter.OFFLOAD)
        .transform(Ysb.PARSE_FILTER + ".batcher", TypeInformation.of(RawBatch.class), new RawBatcher(so.batchRecords, so.maxWaitMs))
        .uid(Ysb.PARSE_FILTER + ".batcher").setParallelism(pfP);
    long fnUs = Math.round(pfUs * so.workFactor);
    DataStream<AdEvent> remote = AsyncDataStream.unorderedWait(batches,
            new ParseFilterAsync(cfg.function, fnUs, cfg.outputDir), cfg.function.effectiveBatchTimeoutMs(),
            TimeUnit.MILLISECONDS, so.asyncCapacity)
        .name(Ysb.PARSE_FILTER + ".invoke").uid(Ysb.PARSE_FILTER + ".invoke").setParallelism(pfP);
    return Ysb.tail(local.union(remote), gen, cfg, true);
  }
}
