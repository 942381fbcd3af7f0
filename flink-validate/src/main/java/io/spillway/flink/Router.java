package io.spillway.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends the controller's share of records to the offload side output (deterministically, by a per-subtask credit
 * accumulator) and the rest to the local tokenizer. The decision arrives as broadcast state.
 */
public class Router extends BroadcastProcessFunction<Line, Decision, Line> {
  private static final long serialVersionUID = 1L;
  public static final MapStateDescriptor<String, Decision> DECISION_STATE =
      new MapStateDescriptor<>("decision", Types.STRING, TypeInformation.of(Decision.class));
  public static final OutputTag<RoutedLine> OFFLOAD = new OutputTag<>("offload", TypeInformation.of(RoutedLine.class));
  private static final String KEY = "current";

  private final Decision initial;
  private final boolean offloadEnabled;
  private transient Decision current;
  private transient ShareAccumulator acc;
  private transient Counter routedLocal;
  private transient Counter routedOffload;
  /** Wall time of this subtask's first record sent to the offload path; -1 before (time-to-react, live). */
  private transient long firstOffloadMs;

  public Router(Decision initial, boolean offloadEnabled) {
    this.initial = initial;
    this.offloadEnabled = offloadEnabled;
  }

  @Override
  public void open(OpenContext ctx) {
    acc = new ShareAccumulator();
    firstOffloadMs = -1;
    var g = getRuntimeContext().getMetricGroup();
    routedLocal = g.counter("routedLocal");
    routedOffload = g.counter("routedOffload");
    g.gauge("offloadShare", () -> current().share);
    g.gauge("decisionVersion", () -> current().version);
  }

  private Decision current() {
    Decision d = current;
    return d != null ? d : initial;
  }

  @Override
  public void processElement(Line line, ReadOnlyContext ctx, Collector<Line> out) throws Exception {
    Decision d = current;
    if (d == null) {
      ReadOnlyBroadcastState<String, Decision> st = ctx.getBroadcastState(DECISION_STATE);
      d = st.get(KEY);
      if (d == null) d = initial;
      current = d;
    }
    if (offloadEnabled && acc.next(d.share)) {
      if (firstOffloadMs < 0) markFirstOffload();
      routedOffload.inc();
      ctx.output(OFFLOAD, new RoutedLine(line, d));
    } else {
      if (!offloadEnabled) acc.next(0.0);
      routedLocal.inc();
      out.collect(line);
    }
  }

  /**
   * Registered at the first offloaded record, not in open(): the REST API's min over subtasks then spans only the
   * subtasks that offloaded, so it is the job's first offloaded record.
   */
  private void markFirstOffload() {
    firstOffloadMs = System.currentTimeMillis();
    final long at = firstOffloadMs;
    getRuntimeContext().getMetricGroup().gauge("firstOffloadEpochMs", () -> at);
  }

  @Override
  public void processBroadcastElement(Decision d, Context ctx, Collector<Line> out) throws Exception {
    BroadcastState<String, Decision> st = ctx.getBroadcastState(DECISION_STATE);
    Decision s = d.sanitized();
    st.put(KEY, s);
    current = s;
  }
}
