package io.spillway.flink.graph;

import io.spillway.flink.Decision;
import io.spillway.flink.JobConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Polls the decision server (GET control.url) from a daemon thread for an operator that routes by itself (an
 * offloading window). A broadcast control stream, as the tokenizer's router has, would hold the window's event time:
 * a two-input operator's watermark is the smaller of its inputs', and the control stream has none.
 */
public final class DecisionPoller implements AutoCloseable {
  private final Thread thread;
  private volatile Decision current;
  private volatile boolean stop;

  public DecisionPoller(String url, long pollMs, long timeoutMs, Decision initial) {
    current = initial.sanitized();
    if (url == null) {
      thread = null;
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs)).GET().build();
    thread = new Thread(() -> {
      while (!stop) {
        try {
          HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
          if (resp.statusCode() == 200) current = JobConfig.MAPPER.readValue(resp.body(), Decision.class).sanitized();
          Thread.sleep(pollMs);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // keep the last decision; the server may not be up yet or already gone
          try { Thread.sleep(pollMs); } catch (InterruptedException ie) { return; }
        }
      }
    }, "spillway-decision-poller");
    thread.setDaemon(true);
    thread.start();
  }

  public Decision current() { return current; }

  @Override
  public void close() {
    stop = true;
    if (thread != null) thread.interrupt();
  }
}
