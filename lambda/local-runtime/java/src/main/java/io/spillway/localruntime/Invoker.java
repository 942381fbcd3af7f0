package io.spillway.localruntime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One invocation: run the handler with its output captured, reply with the body or the error document. */
final class Invoker {
  private final HandlerCall call;
  private final Bootstrap.Protocol out;

  Invoker(HandlerCall call, Bootstrap.Protocol out) {
    this.call = call;
    this.out = out;
  }

  void invoke(Map<?, ?> msg) throws IOException {
    String requestId = String.valueOf(msg.get("requestId"));
    PrintStream saved = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    // This invocation's output is captured, so its log tail holds exactly its own lines.
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("type", "result");
    reply.put("id", msg.get("id"));
    try {
      String body = call.call(String.valueOf(msg.get("payload")), new LocalContext(msg, capture));
      reply.put("ok", true);
      reply.put("body", body);
    } catch (Throwable t) {
      Map<String, Object> fields = Errors.fields(t, requestId);
      capture.println(Bootstrap.JSON.writeValueAsString(fields)); // the Java runtime logs the error document
      reply.put("ok", false);
      reply.putAll(fields);
    } finally {
      System.setOut(saved);
      System.setErr(savedErr);
    }
    reply.put("maxRssBytes", maxRssBytes());
    reply.put("logs", lines(buf.toString(StandardCharsets.UTF_8)));
    out.send(reply);
  }

  private static List<String> lines(String text) {
    List<String> l = new ArrayList<>();
    for (String s : text.split("\n")) if (!s.isEmpty()) l.add(s);
    return l;
  }

  /** Peak resident set (VmHWM in /proc/self/status, kB), as the REPORT line's Max Memory Used. */
  static long maxRssBytes() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: fall back to the heap in use
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
