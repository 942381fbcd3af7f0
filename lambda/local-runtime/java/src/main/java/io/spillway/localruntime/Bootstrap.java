package io.spillway.localruntime;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Local stand-in for the Lambda Java runtime, one JVM per execution environment (so a cold start is a JVM start).
 * Started by the Spillway invoke server (src/endpoint/worker-process.ts). Protocol, as python_bootstrap.py: one JSON
 * message per line, requests on stdin, replies on the original stdout; anything the function prints goes to stderr
 * outside an invocation and into the invocation's log lines during one.
 * argv: &lt;code dir&gt; &lt;handler setting: "pkg.Class" or "pkg.Class::method"&gt;
 */
public final class Bootstrap {
  static final ObjectMapper JSON = new ObjectMapper();

  private Bootstrap() {}

  public static void main(String[] args) throws Exception {
    PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err); // prints during init become log lines, never protocol lines
    Protocol out = new Protocol(protocol);
    HandlerCall call;
    try {
      call = HandlerCall.load(args[0], args[1]);
    } catch (Throwable t) {
      Map<String, Object> m = new LinkedHashMap<>(Errors.fields(Errors.unwrap(t), null));
      m.put("type", "init_error");
      out.send(m);
      System.exit(1);
      return;
    }
    out.send(Map.of("type", "ready"));
    Invoker invoker = new Invoker(call, out);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) { // EOF (server gone) ends the environment
      Map<?, ?> msg = JSON.readValue(line, Map.class);
      if ("invoke".equals(msg.get("type"))) invoker.invoke(msg);
    }
    System.exit(0);
  }

  /** Writes protocol messages, one JSON object per line, on the process's original stdout. */
  static final class Protocol {
    private final PrintStream stream;

    Protocol(PrintStream stream) {
      this.stream = stream;
    }

    synchronized void send(Map<String, ?> msg) throws java.io.IOException {
      stream.print(JSON.writeValueAsString(msg));
      stream.print('\n');
      stream.flush();
    }
  }
}
