package io.spillway.flink.shapes;

import io.spillway.flink.JobBuilder;
import io.spillway.flink.JobConfig;
import io.spillway.flink.Line;
import io.spillway.flink.TextGen;
import io.spillway.flink.Trace;
import io.spillway.flink.nexmark.Q5HotItems;
import io.spillway.flink.nexmark.Q1;
import io.spillway.flink.source.TraceSource;
import io.spillway.flink.ysb.Ysb;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The selection hook: {@code shape.name} → the shape's operators, between the trace source and the checking sink. */
public final class Shapes {
  public static final List<String> NAMES = List.of(Q1.NAME, Q5HotItems.NAME, Ysb.NAME);

  private Shapes() {}

  public static Shape byName(String name) {
    if (Q1.NAME.equals(name)) return new Q1();
    if (Q5HotItems.NAME.equals(name)) return new Q5HotItems();
    if (Ysb.NAME.equals(name)) return new Ysb();
    return null;
  }

  private static void clearParts(String dir) {
    java.io.File[] old = new java.io.File(dir).listFiles((d, n) -> n.startsWith("source_offload-") && n.endsWith(".json"));
    if (old != null) for (java.io.File f : old) f.delete();
  }

  /** Builds source → shape → sink; the source paces records by the trace exactly as the tokenizer job's does. */
  public static void build(StreamExecutionEnvironment env, JobConfig cfg) {
    ShapeCfg sc = cfg.shape;
    sc.function = cfg.offload;
    sc.outputDir = cfg.outputDir;
    clearParts(cfg.outputDir); // a previous run's per-subtask counts must not be read as this run's
    Shape shape = byName(sc.name);
    Trace trace = cfg.traceModel();
    // No control source (the shapes have no offload path yet): the trace enumerator need not wait for one.
    io.spillway.flink.source.RunRegistry.markControlReady(cfg.runId);
    // An empty text: the shape's generator makes record seq's event (in the source task, chained after the reader).
    DataStream<Line> source = env
        .fromSource(new TraceSource(trace, new TextGen(cfg.seed, 0, 0, null, null), cfg.startDelayMs, cfg.runId),
            WatermarkStrategy.noWatermarks(), JobBuilder.SOURCE, TypeInformation.of(Line.class))
        .setParallelism(sc.parallelism(Shape.SOURCE))
        .uid("source");
    shape.build(source, trace, cfg.seed, sc)
        .sinkTo(new ShapeSink(shape, trace, cfg.seed, sc, cfg.outputDir, cfg.runId, JobBuilder.flinkVersion()))
        .name(JobBuilder.SINK).uid("sink")
        .setParallelism(1);
  }
}
