package io.spillway.flink.graph;

import io.spillway.flink.Decision;
import io.spillway.flink.ShareAccumulator;
import io.spillway.flink.offload.LambdaInvoker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * A window's offload path, inside its task: routing by the decision's share (credit accumulator), batching (size or
 * max wait), at most maxInFlight invocations (more batches queue), merging partials or falling back. Everything but
 * the SDK's callbacks runs in the task thread; a callback only puts a mail. Metric names are the tokenizer path's
 * (docs/VALIDATION.md, "Vertex mapping"), registered on the window's vertex.
 */
final class WindowOffload {
  private final WindowOperator.Settings s;
  private final WindowState state;
  private final ProcessingTimeService time;
  private final MailboxExecutor mailbox;
  private final Runnable settled;
  private final DecisionPoller poller;
  private final ShareAccumulator acc = new ShareAccumulator();
  private final LambdaInvoker invoker;
  private final Work fnWork;
  private final ArrayDeque<List<Rec>> queue = new ArrayDeque<>();
  private List<Rec> open = new ArrayList<>();
  private long openSince;
  private int inFlight;
  private final AtomicLong lastRttMs = new AtomicLong();
  private final Counter routed, batches, records, invocations, coldStarts, throttles, errors, fallbacks, fallbackRecords, successes;
  private long billedMs;
  private long inFlightRecords;

  WindowOffload(WindowOperator.Settings s, int subtask, WindowState state, MetricGroup g, ProcessingTimeService time,
      MailboxExecutor mailbox, Runnable settled) {
    this.s = s;
    this.state = state;
    this.time = time;
    this.mailbox = mailbox;
    this.settled = settled;
    this.poller = new DecisionPoller(s.control.url, s.control.pollMs, s.control.httpTimeoutMs, s.initial);
    this.fnWork = s.work.scaled(s.offload.workFactor).open(s.seed, s.id + ":function", subtask);
    routed = g.counter("routedOffload");
    batches = g.counter("offloadBatches");
    records = g.counter("offloadRecords");
    invocations = g.counter("offloadInvocations", new ThreadSafeSimpleCounter());
    coldStarts = g.counter("offloadColdStarts", new ThreadSafeSimpleCounter());
    throttles = g.counter("offloadThrottles", new ThreadSafeSimpleCounter());
    errors = g.counter("offloadErrors", new ThreadSafeSimpleCounter());
    fallbacks = g.counter("offloadFallbacks");
    fallbackRecords = g.counter("offloadFallbackRecords");
    successes = g.counter("offloadSuccessfulBatches");
    g.gauge("openBatchRecords", () -> open.size());
    g.gauge("offloadInFlight", () -> inFlight);
    g.gauge("offloadInFlightRecords", () -> inFlightRecords);
    g.gauge("offloadLastRttMs", lastRttMs::get);
    invoker = new LambdaInvoker(s.offload, fnWork.workUs(), new LambdaInvoker.Listener() {
      @Override public void onAttempt() { invocations.inc(); }
      @Override public void onThrottle() { throttles.inc(); }
      @Override public void onError(String kind) { errors.inc(); }
      @Override public void onCold() { coldStarts.inc(); }
      @Override public void onRtt(long ms) { lastRttMs.set(ms); }
    });
  }

  /** True when the record went to the function's path (it is then outstanding for its window). */
  boolean route(Rec r) {
    Decision d = poller.current();
    if (!acc.next(d.share)) return false;
    routed.inc();
    state.outstanding(state.startOf(r.et), +1);
    if (open.isEmpty()) {
      openSince = time.getCurrentProcessingTime();
      long deadline = openSince + d.maxWaitMs;
      time.registerTimer(deadline, ts -> { if (!open.isEmpty() && openSince + poller.current().maxWaitMs <= ts) closeBatch(); });
    }
    open.add(r);
    if (open.size() >= d.batchRecords || d.maxWaitMs == 0) closeBatch();
    return true;
  }

  private int limit() { return Math.max(1, Math.min(poller.current().maxInFlight, s.offload.asyncCapacity)); }

  private void closeBatch() {
    List<Rec> b = open;
    open = new ArrayList<>();
    batches.inc();
    records.inc(b.size());
    inFlightRecords += b.size();
    if (inFlight < limit()) start(b);
    else queue.add(b);
  }

  private void start(List<Rec> b) {
    inFlight++;
    double waitMs = -1;
    if (fnWork.waits()) {
      waitMs = 0;
      for (int i = 0; i < b.size(); i++) waitMs += fnWork.nextMs();
    }
    Map<String, long[]> expected = WindowPayloads.expected(b, s.sizeMs);
    byte[] payload = WindowPayloads.encode(b, s.sizeMs, s.sum, fnWork.workUs(), waitMs);
    LambdaInvoker.Outcome o = new LambdaInvoker.Outcome();
    invoker.invoke(payload, body -> WindowPayloads.decode(body, expected, s.sum), o)
        .whenComplete((x, err) -> mailbox.execute(() -> answered(b, o), "window partials"));
  }

  /** In the task thread: merge the partials (or aggregate the batch here), release its records, start queued ones. */
  private void answered(List<Rec> b, LambdaInvoker.Outcome o) {
    inFlight--;
    inFlightRecords -= b.size();
    if (o.answer != null) {
      successes.inc();
      billedMs += (long) Math.ceil(o.durationMs);
      Map<String, List<Rec>> groups = new LinkedHashMap<>();
      for (Rec r : b) groups.computeIfAbsent(WindowPayloads.pair(state.startOf(r.et), r.key), k -> new ArrayList<>()).add(r);
      for (long[] p : (long[][]) o.answer.value) state.addPartial(p[0], p[1], p[2], p[3], groups.get(WindowPayloads.pair(p[0], p[1])));
    } else {
      fallbacks.inc();
      fallbackRecords.inc(b.size());
      for (Rec r : b) {
        s.work.doOne();
        state.addLocal(r);
      }
    }
    for (Rec r : b) state.outstanding(state.startOf(r.et), -1);
    while (inFlight < limit() && !queue.isEmpty()) start(queue.poll());
    settled.run();
  }

  /** End of input: send the open batch and wait (running mails) until every batch is back. */
  void drain() throws InterruptedException {
    if (!open.isEmpty()) closeBatch();
    while (inFlight > 0 || !queue.isEmpty()) {
      if (inFlight == 0) start(queue.poll());
      else mailbox.yield();
    }
  }

  void stats(Rec r) {
    r.batches = batches.getCount();
    r.invocations = invocations.getCount();
    r.coldStarts = coldStarts.getCount();
    r.throttles = throttles.getCount();
    r.errors = errors.getCount();
    r.fallbackBatches = fallbacks.getCount();
    r.fallbackRecords = fallbackRecords.getCount();
    r.billedMs = billedMs;
  }

  void shutdown() {
    poller.close();
    invoker.close();
  }
}
