package io.spillway.flink;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves GET /decision with whatever JSON is set. */
final class StubControlServer implements AutoCloseable {
  final HttpServer server;
  final AtomicInteger polls = new AtomicInteger();
  volatile String decision = "{\"version\":1,\"share\":0.5,\"batchRecords\":50,\"maxWaitMs\":20,\"maxInFlight\":4}";

  StubControlServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/decision", ex -> {
      polls.incrementAndGet();
      byte[] b = decision.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(b);
      }
      ex.close();
    });
    server.start();
  }

  String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/decision"; }

  @Override
  public void close() { server.stop(0); }
}
