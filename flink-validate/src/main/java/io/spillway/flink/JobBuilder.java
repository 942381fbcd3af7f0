package io.spillway.flink;

import io.spillway.flink.offload.OffloadFunction;
import io.spillway.flink.python.PythonTokenizerStage;
import io.spillway.flink.sink.ResultSink;
import io.spillway.flink.source.ControlSource;
import io.spillway.flink.source.TraceSource;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the pipeline:
 * <pre>
 *   source ──► router ──(main)──────────► tokenizer ──────────────┐
 *     ▲          │                                               ├──► sink (p=1)
 *   control ─────┘(broadcast)  └─(side)─► offload-batcher ─► offload-invoke (Async I/O) ┘
 * </pre>
 */
public final class JobBuilder {
  // Operator names are part of the contract: Flink REST shows operator metrics as "<name>.<metric>".
  public static final String SOURCE = "source";
  public static final String CONTROL = "control";
  public static final String ROUTER = "router";
  public static final String TOKENIZER = "tokenizer";
  public static final String BATCHER = "offload-batcher";
  public static final String INVOKE = "offload-invoke";
  public static final String SINK = "sink";

  private JobBuilder() {}

  public static String flinkVersion() {
    try {
      String v = EnvironmentInformation.getVersion();
      return v == null ? "unknown" : v;
    } catch (Throwable t) {
      return "unknown";
    }
  }

  public static void build(StreamExecutionEnvironment env, JobConfig cfg) {
    if (cfg.graph != null) {
      io.spillway.flink.graph.GraphBuilder.build(env, cfg); // a scenario graph: the kinds registry builds it
      return;
    }
    Trace trace = cfg.traceModel();
    JobConfig.Parallelism p = cfg.parallelism;

    if (cfg.shape != null) {
      io.spillway.flink.shapes.Shapes.build(env, cfg); // the selection hook: a benchmark shape instead
      return;
    }

    DataStream<Line> lines = env
        .fromSource(new TraceSource(trace, cfg.textGen(), cfg.startDelayMs, cfg.runId),
            WatermarkStrategy.noWatermarks(), SOURCE, TypeInformation.of(Line.class))
        .setParallelism(p.source)
        .uid("source");

    BroadcastStream<Decision> control = env
        .fromSource(new ControlSource(cfg), WatermarkStrategy.noWatermarks(), CONTROL, TypeInformation.of(Decision.class))
        .setParallelism(1)
        .uid("control")
        .broadcast(Router.DECISION_STATE);

    SingleOutputStreamOperator<Line> routed = lines
        .connect(control)
        .process(new Router(cfg.initialDecision, cfg.offload.enabled), TypeInformation.of(Line.class))
        .name(ROUTER).uid("router")
        .setParallelism(p.router);

    // the Python tokenizer (tokenizer.lang python) is a stage of its own: python/PythonTokenizerStage
    DataStream<Result> local = "python".equals(cfg.tokenizer.lang) ? PythonTokenizerStage.attach(env, routed, cfg) : routed
        .flatMap(new LocalTokenizer(cfg.tokenizer.workUsPerRecord, cfg.outputDir,
            cfg.tokenizer.waits() ? cfg.tokenizer.sampler() : null, cfg.seed), TypeInformation.of(Result.class))
        .name(TOKENIZER).uid("tokenizer")
        .setParallelism(p.tokenizer)
        .startNewChain();

    DataStream<Result> results = local;
    if (cfg.offload.enabled) {
      DataStream<Batch> batches = routed.getSideOutput(Router.OFFLOAD)
          .transform(BATCHER, TypeInformation.of(Batch.class), new BatcherOperator())
          .uid("offload-batcher")
          .setParallelism(p.offload)
          // own task: a slow first SDK call or a full Async I/O queue shows up on this vertex, not inside the router
          .startNewChain();
      OffloadFunction fn = new OffloadFunction(cfg.offload, cfg.offloadWorkUs(), cfg.tokenizer.workUsPerRecord, cfg.outputDir,
          cfg.tokenizer.waits() ? cfg.tokenizer.sampler() : null, cfg.seed);
      long timeout = cfg.offload.effectiveBatchTimeoutMs();
      int capacity = cfg.offload.asyncCapacity;
      SingleOutputStreamOperator<Result> offloaded = "ordered".equals(cfg.offload.mode)
          ? AsyncDataStream.orderedWait(batches, fn, timeout, TimeUnit.MILLISECONDS, capacity)
          : AsyncDataStream.unorderedWait(batches, fn, timeout, TimeUnit.MILLISECONDS, capacity);
      offloaded.name(INVOKE).uid("offload-invoke").setParallelism(p.offload);
      results = local.union(offloaded);
    }

    results
        .sinkTo(new ResultSink(trace, cfg.outputDir, cfg.runId, flinkVersion()))
        .name(SINK).uid("sink")
        .setParallelism(1);
  }
}
