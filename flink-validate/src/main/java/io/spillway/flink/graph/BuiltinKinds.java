package io.spillway.flink.graph;

import io.spillway.flink.JobBuilder;
import io.spillway.flink.Line;
import io.spillway.flink.source.TraceSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The scenario schema's vertex kinds (see {@link VertexKinds}). */
final class BuiltinKinds {
  static final TypeInformation<Rec> REC = TypeInformation.of(Rec.class);

  private BuiltinKinds() {}

  /** The trace replay (one record per due time, event time = intended arrival), then each record's key and work. */
  static final VertexKind SOURCE = new VertexKind() {
    @Override public Role role() { return Role.SOURCE; }

    @Override
    public DataStream<Rec> build(GraphContext ctx, GraphSpec.Vertex v, DataStream<Rec> input) {
      DataStream<Line> lines = ctx.env
          .fromSource(new TraceSource(ctx.trace, ctx.cfg.textGen(), ctx.cfg.startDelayMs, ctx.cfg.runId),
              WatermarkStrategy.noWatermarks(), v.id, TypeInformation.of(Line.class))
          .setParallelism(v.parallelism).uid(v.id);
      // Event time from the trace's start (not epoch): windows hold the same records in every run.
      return lines.map(new SourceRecords(ctx.cfg.seed, v.id, ctx.work(v), ctx.keys, ctx.trace), REC)
          .name(v.id + "-records").uid(v.id + "-records").setParallelism(v.parallelism)
          .assignTimestampsAndWatermarks(WatermarkStrategy.<Rec>forMonotonousTimestamps().withTimestampAssigner((r, ts) -> r.et))
          .name(v.id + "-watermarks").uid(v.id + "-watermarks").setParallelism(v.parallelism);
    }
  };

  static final VertexKind MAP = recordKind(false, false);
  static final VertexKind FLAT_MAP = recordKind(true, false);
  static final VertexKind FILTER = recordKind(false, true);

  private static VertexKind recordKind(boolean fans, boolean filters) {
    return new VertexKind() {
      @Override public Role role() { return Role.OPERATOR; }

      @Override
      public void check(GraphContext ctx, GraphSpec.Vertex v, String field) {
        if (filters && v.selectivity == null) throw new IllegalArgumentException(field + ".selectivity is required for a filter (bernoulli p)");
        if (v.selectivity != null) new Draws.Count(v.selectivity, field + ".selectivity");
      }

      @Override
      public DataStream<Rec> build(GraphContext ctx, GraphSpec.Vertex v, DataStream<Rec> input) {
        Draws.Count sel = v.selectivity == null ? null : new Draws.Count(v.selectivity, v.id);
        RecordOp.Settings s = new RecordOp.Settings(v.id, ctx.cfg.seed, ctx.work(v), sel, fans ? ctx.keys : null);
        return ctx.place(input.transform(v.id, REC, new OpFactory(p -> new RecordOp(p, s), RecordOp.class)), v);
      }
    };
  }

  static final VertexKind WINDOW = new VertexKind() {
    @Override public Role role() { return Role.OPERATOR; }

    @Override
    public void check(GraphContext ctx, GraphSpec.Vertex v, String field) {
      if (v.window == null || v.window.sizeMs <= 0) throw new IllegalArgumentException(field + ".window.size_ms must be a whole number of ms > 0");
      if (!"count".equals(v.window.aggregate) && !"sum".equals(v.window.aggregate))
        throw new IllegalArgumentException(field + ".window.aggregate: the job aggregates count or sum, not \"" + v.window.aggregate + "\"");
    }

    @Override
    public DataStream<Rec> build(GraphContext ctx, GraphSpec.Vertex v, DataStream<Rec> input) {
      WindowOperator.Settings s = new WindowOperator.Settings(v.id, ctx.cfg.seed, v.window.sizeMs, "sum".equals(v.window.aggregate), ctx.work(v),
          ctx.offloads(v) ? ctx.cfg.offload : null, ctx.cfg.control, ctx.cfg.initialDecision);
      return ctx.place(input.transform(v.id, REC, new OpFactory(p -> new WindowOperator(p, s), WindowOperator.class)), v);
    }
  };

  static final VertexKind SINK = new VertexKind() {
    @Override public Role role() { return Role.SINK; }

    @Override
    public void check(GraphContext ctx, GraphSpec.Vertex v, String field) {
      if (v.parallelism != 1) throw new IllegalArgumentException(field + ".parallelism must be 1: the sink accounts for every record");
    }

    @Override
    public DataStream<Rec> build(GraphContext ctx, GraphSpec.Vertex v, DataStream<Rec> input) {
      input.sinkTo(new GraphSink(ctx.trace, ctx.cfg.outputDir, ctx.cfg.runId, JobBuilder.flinkVersion()))
          .name(v.id).uid(v.id).setParallelism(1);
      return null;
    }
  };

  /** Source record → Rec: the source's own per-record work, and the record's key (a function of its seq). */
  static final class SourceRecords extends RichMapFunction<Line, Rec> {
    private static final long serialVersionUID = 1L;
    private final long seed;
    private final String id;
    private final Work work;
    private final Draws.Keys keys;
    private final io.spillway.flink.Trace trace;

    SourceRecords(long seed, String id, Work work, Draws.Keys keys, io.spillway.flink.Trace trace) {
      this.trace = trace;
      this.seed = seed;
      this.id = id;
      this.work = work;
      this.keys = keys;
    }

    @Override
    public void open(OpenContext ctx) {
      work.open(seed, id, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public Rec map(Line l) {
      work.doOne();
      return Rec.data(l.seq, l.t, trace.offsetMs(l.seq), keys.key(Draws.uniform(seed, 0x6b657973L, l.seq, 0)), Rec.UNIT, 0);
    }
  }
}
