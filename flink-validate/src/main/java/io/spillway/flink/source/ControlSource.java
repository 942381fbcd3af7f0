package io.spillway.flink.source;

import io.spillway.flink.Decision;
import io.spillway.flink.JobConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Control stream (parallelism 1): polls GET controlUrl every poll_ms and emits each new decision (version changed);
 * the stream is broadcast to the router. It ends when the data source has finished (signalled through
 * {@link RunRegistry} in the JobManager), when the controller answers {@code "fin": true} or HTTP 410, or at a hard
 * deadline (start_delay + duration + max_drain), so the job can finish by itself.
 */
public final class ControlSource implements Source<Decision, ControlSource.Split, Void> {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final long pollMs;
  private final long httpTimeoutMs;
  private final String runId;
  private final long hardStopAfterMs;

  public ControlSource(JobConfig cfg) {
    this.url = cfg.control.url;
    this.pollMs = cfg.control.pollMs;
    this.httpTimeoutMs = cfg.control.httpTimeoutMs;
    this.runId = cfg.runId;
    this.hardStopAfterMs = cfg.startDelayMs + (long) ((cfg.durationS + cfg.maxDrainS) * 1000);
  }

  public static final class Split implements SourceSplit {
    @Override public String splitId() { return "control"; }
  }

  @Override public Boundedness getBoundedness() { return Boundedness.BOUNDED; }

  @Override
  public SplitEnumerator<Split, Void> createEnumerator(SplitEnumeratorContext<Split> ctx) {
    return new Enumerator(ctx, runId, System.currentTimeMillis() + hardStopAfterMs);
  }

  @Override
  public SplitEnumerator<Split, Void> restoreEnumerator(SplitEnumeratorContext<Split> ctx, Void v) {
    return createEnumerator(ctx);
  }

  @Override
  public SimpleVersionedSerializer<Split> getSplitSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override public int getVersion() { return 1; }
      @Override public byte[] serialize(Split s) { return new byte[0]; }
      @Override public Split deserialize(int v, byte[] b) { return new Split(); }
    };
  }

  @Override
  public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override public int getVersion() { return 1; }
      @Override public byte[] serialize(Void s) { return new byte[0]; }
      @Override public Void deserialize(int v, byte[] b) { return null; }
    };
  }

  @Override
  public SourceReader<Decision, Split> createReader(SourceReaderContext ctx) {
    return new Reader(ctx, url, pollMs, httpTimeoutMs);
  }

  static final class Enumerator implements SplitEnumerator<Split, Void> {
    private final SplitEnumeratorContext<Split> ctx;
    private final String runId;
    private final long hardStopAtMs;
    private boolean assigned;
    private boolean stopped;
    private Integer reader;

    Enumerator(SplitEnumeratorContext<Split> ctx, String runId, long hardStopAtMs) {
      this.ctx = ctx;
      this.runId = runId;
      this.hardStopAtMs = hardStopAtMs;
    }

    @Override
    public void start() {
      ctx.callAsync(
          () -> RunRegistry.isDataDone(runId) || System.currentTimeMillis() >= hardStopAtMs,
          (done, err) -> {
            if (err == null && Boolean.TRUE.equals(done)) stop();
          },
          100, 100);
    }

    private void stop() {
      if (stopped) return;
      if (reader != null) {
        stopped = true;
        ctx.signalNoMoreSplits(reader);
      }
    }

    @Override
    public void handleSplitRequest(int subtask, String host) {
      reader = subtask;
      if (!assigned) {
        assigned = true;
        ctx.assignSplit(new Split(), subtask);
        RunRegistry.markControlReady(runId);
      } else if (RunRegistry.isDataDone(runId)) {
        stop();
      }
    }

    @Override public void addSplitsBack(List<Split> splits, int subtask) {}

    @Override public void addReader(int subtask) {}

    @Override public Void snapshotState(long checkpointId) { return null; }

    @Override public void close() {}
  }

  static final class Reader implements SourceReader<Decision, Split> {
    private final SourceReaderContext ctx;
    private final String url;
    private final long pollMs;
    private final long httpTimeoutMs;
    private final Object lock = new Object();
    private final ArrayDeque<Decision> queue = new ArrayDeque<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private boolean stop;
    private Thread poller;
    private volatile boolean closed;

    Reader(SourceReaderContext ctx, String url, long pollMs, long httpTimeoutMs) {
      this.ctx = ctx;
      this.url = url;
      this.pollMs = pollMs;
      this.httpTimeoutMs = httpTimeoutMs;
    }

    @Override
    public void start() {
      ctx.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Decision> output) {
      synchronized (lock) {
        Decision d = queue.poll();
        if (d != null) {
          output.collect(d);
          return InputStatus.MORE_AVAILABLE;
        }
        if (stop) return InputStatus.END_OF_INPUT;
        if (available.isDone()) available = new CompletableFuture<>();
        return InputStatus.NOTHING_AVAILABLE;
      }
    }

    @Override public List<Split> snapshotState(long checkpointId) { return Collections.emptyList(); }

    @Override
    public CompletableFuture<Void> isAvailable() {
      synchronized (lock) { return available; }
    }

    @Override
    public void addSplits(List<Split> splits) {
      if (url != null && !url.isBlank() && poller == null) {
        poller = new Thread(this::pollLoop, "control-poller");
        poller.setDaemon(true);
        poller.start();
      }
    }

    @Override
    public void notifyNoMoreSplits() {
      signalStop();
    }

    private void signalStop() {
      synchronized (lock) {
        stop = true;
        available.complete(null);
      }
    }

    private void pollLoop() {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(httpTimeoutMs)).build();
      Long lastVersion = null;
      while (!closed) {
        long started = System.nanoTime();
        try {
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(httpTimeoutMs))
              .header("Accept", "application/json").GET().build();
          HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
          if (resp.statusCode() == 410) {
            signalStop();
            return;
          }
          if (resp.statusCode() == 200) {
            Decision d = JobConfig.MAPPER.readValue(resp.body(), Decision.class).sanitized();
            if (lastVersion == null || d.version != lastVersion) {
              lastVersion = d.version;
              synchronized (lock) {
                queue.add(d);
                available.complete(null);
              }
            }
            if (d.fin) {
              signalStop();
              return;
            }
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          // controller not reachable yet / bad answer: keep the last decision, try again
        }
        long sleepMs = pollMs - (System.nanoTime() - started) / 1_000_000;
        if (sleepMs > 0) {
          try {
            Thread.sleep(sleepMs);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      if (poller != null) poller.interrupt();
    }
  }
}
