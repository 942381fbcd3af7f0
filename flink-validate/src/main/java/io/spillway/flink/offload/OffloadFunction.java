package io.spillway.flink.offload;

import io.spillway.flink.Batch;
import io.spillway.flink.JobConfig;
import io.spillway.flink.Line;
import io.spillway.flink.LocalTokenizer;
import io.spillway.flink.ServiceWait;
import io.spillway.flink.WorkSampler;
import io.spillway.flink.Result;
import io.spillway.flink.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Async I/O stage of the offload path: one batch = one Lambda invocation (with retries). At most the decision's
 * maxInFlight batches invoke at once per subtask (further batches wait here, inside the Async I/O capacity). A batch
 * that exhausts its attempts, or hits the Async I/O timeout, is tokenized locally in the task thread (via
 * {@link ResultFuture#complete(org.apache.flink.streaming.api.functions.async.CollectionSupplier)}): every line is
 * emitted exactly once, either from the function's answer or from the fallback.
 */
public class OffloadFunction extends RichAsyncFunction<Batch, Result> {
  private static final long serialVersionUID = 1L;

  private final JobConfig.OffloadCfg cfg;
  private final long workUs;
  private final long localWorkUs;
  private final String outputDir;
  /** Wait mode: the tokenizer's service-time law (null = cpu mode) and the job's seed. */
  private final WorkSampler waitLaw;
  private final long seed;
  private transient io.spillway.flink.Samples batchSamples;
  /** Wait mode: the function's hold per batch (drawn here, in the task thread, in arrival order) and the fallback's. */
  private transient WorkSampler remoteDraws;
  private transient WorkSampler fallbackDraws;
  private transient ServiceWait fallbackWait;

  /** Header of {@code offload_batches.csv}: one successful batch per row (the function's own timings). */
  public static final String BATCHES_HEADER = "t_epoch_ms,batch_records,payload_bytes,client_ms,duration_ms,init_ms,cold";
  public static final String BATCHES_FILE = "offload_batches";

  private transient BatchInvoker invoker;
  private transient Object gate;
  private transient ArrayDeque<Pending> queue;
  private transient Map<ResultFuture<Result>, Pending> pendingByFuture;
  private transient int inFlight;
  private transient int limit;
  private transient AtomicLong inFlightRecords;
  private transient AtomicLong lastRttMs;
  private transient Counter batches, records, invocations, coldStarts, throttles, errors, fallbacks, fallbackRecords,
      timeouts, successes, billedMs, initMs;

  public OffloadFunction(JobConfig.OffloadCfg cfg, long workUs, long localWorkUs) {
    this(cfg, workUs, localWorkUs, null);
  }

  /**
   * With an output directory, every successful batch's sizes and timings (the duration and init time the function
   * reported, the client's round trip) are kept (bounded, {@link io.spillway.flink.Samples}) and written when the
   * task closes as {@code offload_batches-<subtask>.csv}, joined by Main into {@code offload_batches.csv}.
   */
  public OffloadFunction(JobConfig.OffloadCfg cfg, long workUs, long localWorkUs, String outputDir) {
    this(cfg, workUs, localWorkUs, outputDir, null, 0);
  }

  /**
   * With {@code waitLaw} (wait mode) each batch asks the function to hold for the sum of its records' draws x
   * work_factor ({@code wait_ms}, a timer in the handler) instead of spinning, and a fallback parks the task thread
   * for fresh draws.
   */
  public OffloadFunction(JobConfig.OffloadCfg cfg, long workUs, long localWorkUs, String outputDir, WorkSampler waitLaw, long seed) {
    this.cfg = cfg;
    this.workUs = workUs;
    this.localWorkUs = localWorkUs;
    this.outputDir = outputDir;
    this.waitLaw = waitLaw;
    this.seed = seed;
  }

  /** Batches this subtask has taken in, in input order. */
  private long arrivals;

  private static final class Pending {
    final Batch batch;
    final ResultFuture<Result> future;
    final AtomicBoolean finished = new AtomicBoolean();
    final LambdaInvoker.Outcome outcome = new LambdaInvoker.Outcome();
    volatile boolean started;
    /** Wait mode: how long the function holds this batch, ms; -1 = cpu mode. */
    double waitMs = -1;
    /** This subtask's index and the batch's arrival number on it: the sink checks the ordered merge by them. */
    int lane;
    long number;

    Pending(Batch batch, ResultFuture<Result> future) {
      this.batch = batch;
      this.future = future;
    }
  }

  @Override
  public void open(OpenContext ctx) {
    gate = new Object();
    queue = new ArrayDeque<>();
    pendingByFuture = Collections.synchronizedMap(new IdentityHashMap<>());
    inFlightRecords = new AtomicLong();
    lastRttMs = new AtomicLong();
    limit = Math.max(1, cfg.asyncCapacity);
    if (waitLaw != null) {
      int i = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
      remoteDraws = new WorkSampler(waitLaw.spec()).seeded(LocalTokenizer.streamSeed(seed, "function", i));
      fallbackDraws = new WorkSampler(waitLaw.spec()).seeded(LocalTokenizer.streamSeed(seed, "fallback", i));
      fallbackWait = new ServiceWait();
    }
    if (outputDir != null) {
      int par = Math.max(1, getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
      batchSamples = new io.spillway.flink.Samples(BATCHES_HEADER, Math.max(1000, 20_000 / par));
    }
    MetricGroup g = getRuntimeContext().getMetricGroup();
    batches = g.counter("offloadBatches", new ThreadSafeSimpleCounter());
    records = g.counter("offloadRecords", new ThreadSafeSimpleCounter());
    invocations = g.counter("offloadInvocations", new ThreadSafeSimpleCounter());
    coldStarts = g.counter("offloadColdStarts", new ThreadSafeSimpleCounter());
    throttles = g.counter("offloadThrottles", new ThreadSafeSimpleCounter());
    errors = g.counter("offloadErrors", new ThreadSafeSimpleCounter());
    fallbacks = g.counter("offloadFallbacks", new ThreadSafeSimpleCounter());
    fallbackRecords = g.counter("offloadFallbackRecords", new ThreadSafeSimpleCounter());
    timeouts = g.counter("offloadTimeouts", new ThreadSafeSimpleCounter());
    successes = g.counter("offloadSuccessfulBatches", new ThreadSafeSimpleCounter());
    billedMs = g.counter("offloadBilledMs", new ThreadSafeSimpleCounter());
    initMs = g.counter("offloadInitMs", new ThreadSafeSimpleCounter());
    g.gauge("offloadInFlight", () -> { synchronized (gate) { return inFlight; } });
    g.gauge("offloadQueuedBatches", () -> { synchronized (gate) { return queue.size(); } });
    g.gauge("offloadInFlightRecords", () -> inFlightRecords.get());
    g.gauge("offloadMaxInFlight", () -> { synchronized (gate) { return limit; } });
    g.gauge("offloadLastRttMs", () -> lastRttMs.get());
    invoker = Invokers.create(cfg, workUs, new LambdaInvoker.Listener() {
      @Override public void onAttempt() { invocations.inc(); }
      @Override public void onThrottle() { throttles.inc(); }
      @Override public void onError(String kind) { errors.inc(); }
      @Override public void onCold() { coldStarts.inc(); }
      @Override public void onRtt(long ms) { lastRttMs.set(ms); }
      @Override public void onFunctionTime(double durationMs, double init) {
        billedMs.inc(billedMillis(durationMs));
        initMs.inc(billedMillis(init));
      }
    });
    if (cfg.warmup) {
      try {
        invoker.warmUp().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // best effort
      }
    }
  }

  @Override
  public void asyncInvoke(Batch batch, ResultFuture<Result> future) {
    batches.inc();
    records.inc(batch.lines.length);
    inFlightRecords.addAndGet(batch.lines.length);
    Pending p = new Pending(batch, future);
    p.lane = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    p.number = arrivals++; // asyncInvoke runs on the task thread, in input order
    if (remoteDraws != null) {
      double ms = 0;
      for (int i = 0; i < batch.lines.length; i++) ms += remoteDraws.nextMs();
      p.waitMs = ms * cfg.workFactor;
    }
    pendingByFuture.put(future, p);
    boolean startNow;
    synchronized (gate) {
      limit = Math.max(1, Math.min(batch.maxInFlight, cfg.asyncCapacity));
      startNow = inFlight < limit;
      if (startNow) inFlight++;
      else queue.add(p);
    }
    if (startNow) start(p);
  }

  private void start(Pending p) {
    p.started = true;
    CompletableFuture<LambdaInvoker.Outcome> f;
    try {
      f = invoker.invoke(p.batch.lines, p.outcome, p.waitMs);
    } catch (RuntimeException e) {
      p.outcome.errors++;
      p.outcome.lastFailure = e.toString();
      f = CompletableFuture.completedFuture(p.outcome);
    }
    f.whenComplete((o, err) -> {
      try {
        finish(p, err == null && o != null && o.succeeded());
      } finally {
        release();
      }
    });
  }

  private void release() {
    List<Pending> toStart = new ArrayList<>();
    synchronized (gate) {
      inFlight--;
      while (inFlight < limit && !queue.isEmpty()) {
        Pending next = queue.poll();
        if (next.finished.get()) continue; // timed out while queued
        inFlight++;
        toStart.add(next);
      }
    }
    for (Pending n : toStart) start(n);
  }

  private void finish(Pending p, boolean success) {
    if (!p.finished.compareAndSet(false, true)) return; // already completed (timeout vs. answer race)
    pendingByFuture.remove(p.future);
    inFlightRecords.addAndGet(-p.batch.lines.length);
    Line[] lines = p.batch.lines;
    LambdaInvoker.Outcome o = p.outcome;
    if (success) {
      successes.inc();
      if (batchSamples != null) {
        batchSamples.add(String.format(java.util.Locale.ROOT, "%d,%d,%d,%.3f,%.3f,%.3f,%d", System.currentTimeMillis(),
            lines.length, o.payloadBytes, o.clientMs, o.durationMs, o.cold ? o.initMs : 0.0, o.cold ? 1 : 0));
      }
      List<Result> out = new ArrayList<>(lines.length);
      for (int i = 0; i < lines.length; i++) out.add(Result.of(lines[i], o.tokenCounts[i], Result.OFFLOADED).from(p.lane, p.number));
      attachStats(out, o, false);
      p.future.complete(out);
    } else {
      fallbacks.inc();
      fallbackRecords.inc(lines.length);
      // Tokenize locally in the task (mailbox) thread, not on an SDK thread.
      p.future.complete(() -> fallback(p, o));
    }
  }

  private List<Result> fallback(Pending p, LambdaInvoker.Outcome o) {
    List<Result> out = new ArrayList<>(p.batch.lines.length);
    for (Line l : p.batch.lines) {
      if (fallbackWait != null) fallbackWait.hold(fallbackDraws.nextMs());
      else Tokenizer.burn(localWorkUs);
      Result r = Result.of(l, Tokenizer.countTokens(l.text), Result.FALLBACK);
      out.add(p.lane < 0 ? r : r.from(p.lane, p.number));
    }
    attachStats(out, o, true);
    return out;
  }

  /** Lambda bills duration rounded up to the next millisecond. */
  static long billedMillis(double ms) {
    return ms > 0 && Double.isFinite(ms) ? (long) Math.ceil(ms - 1e-9) : 0L;
  }

  private static void attachStats(List<Result> out, LambdaInvoker.Outcome o, boolean fallback) {
    if (out.isEmpty()) return;
    Result r = out.get(0);
    if (!fallback) {
      r.billedMs = billedMillis(o.durationMs);
      r.initMs = billedMillis(o.initMs);
    }
    r.invocations = o.attempts;
    r.throttles = o.throttles;
    r.errors = o.errors;
    r.coldStarts = o.cold ? 1 : 0;
    r.fallbackBatches = fallback ? 1 : 0;
  }

  @Override
  public void timeout(Batch batch, ResultFuture<Result> future) {
    Pending p = pendingByFuture.get(future);
    timeouts.inc();
    if (p == null) {
      LambdaInvoker.Outcome o = new LambdaInvoker.Outcome();
      // should not happen; still never lose the batch
      fallbacks.inc();
      fallbackRecords.inc(batch.lines.length);
      Pending lost = new Pending(batch, future);
      lost.lane = -1; // its place in the input order is unknown: not checked
      future.complete(() -> fallback(lost, o));
      return;
    }
    finish(p, false);
  }

  @Override
  public void close() throws Exception {
    if (batchSamples != null) {
      batchSamples.writePart(outputDir, BATCHES_FILE, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }
    if (invoker != null) invoker.close();
  }
}
