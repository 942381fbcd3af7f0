package io.spillway.flink.ysb;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.JobConfig;
import io.spillway.flink.source.FunctionClient;
import io.spillway.flink.source.RawBatch;
import io.spillway.flink.source.RawEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The function side of YSB's source-side point: a batch of raw events goes to the function's {@code parse_filter}
 * op (lambda/node/src/ops.ts), which parses each, keeps event_type = view and returns ad_id and event_time; a batch
 * whose attempts are used up is parsed and filtered here instead (no loss). Writes its counts to
 * source_offload-&lt;subtask&gt;.json in the output directory when it closes.
 */
public class ParseFilterAsync extends RichAsyncFunction<RawBatch, AdEvent> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JobConfig.OffloadCfg fn;
  private final long workUs;
  private final String outputDir;
  private transient FunctionClient client;
  private transient AtomicLong offloaded, calls, fallbacks, fallbackRecords;

  public ParseFilterAsync(JobConfig.OffloadCfg fn, long workUs, String outputDir) {
    this.fn = fn;
    this.workUs = workUs;
    this.outputDir = outputDir;
  }

  @Override
  public void open(OpenContext ctx) {
    client = new FunctionClient(fn);
    offloaded = new AtomicLong();
    calls = new AtomicLong();
    fallbacks = new AtomicLong();
    fallbackRecords = new AtomicLong();
  }

  /** {"op":"parse_filter","keep":{"event_type":"view"},"project":["ad_id","event_time"],"records":[{seq,t,text}]}. */
  public static byte[] request(RawBatch b, long workUs) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64 + b.records.size() * 240);
    try (JsonGenerator g = JSON.getFactory().createGenerator(bos)) {
      g.writeStartObject();
      g.writeStringField("op", "parse_filter");
      g.writeNumberField("work_us_per_record", workUs);
      g.writeObjectFieldStart("keep");
      g.writeStringField("event_type", "view");
      g.writeEndObject();
      g.writeArrayFieldStart("project");
      g.writeString("ad_id");
      g.writeString("event_time");
      g.writeEndArray();
      g.writeArrayFieldStart("records");
      for (RawEvent e : b.records) {
        g.writeStartObject();
        g.writeNumberField("seq", e.seq);
        g.writeNumberField("t", e.t);
        g.writeStringField("text", e.text);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** The function's records as projected events; throws when one is not from the batch. */
  public static List<AdEvent> decode(JsonNode resp, RawBatch b) {
    Map<Long, RawEvent> bySeq = new java.util.HashMap<>();
    for (RawEvent e : b.records) bySeq.put(e.seq, e);
    List<AdEvent> out = new ArrayList<>();
    for (JsonNode r : resp.path("records")) {
      RawEvent src = bySeq.remove(r.get("seq").asLong());
      if (src == null) throw new IllegalStateException("function returned seq " + r.get("seq") + " not in the batch (or twice)");
      AdEvent e = new AdEvent();
      e.seq = src.seq;
      e.t = src.t;
      e.adId = r.get("fields").get("ad_id").asText();
      e.eventTime = Long.parseLong(r.get("fields").get("event_time").asText());
      out.add(e);
    }
    return out;
  }

  /** The same pre-processing, locally: parse, keep views, project. */
  public static List<AdEvent> local(RawBatch b) {
    List<AdEvent> out = new ArrayList<>();
    for (RawEvent e : b.records) {
      AdEvent a = Ysb.parse(e.text, e.seq, e.t);
      if (Ysb.isView(a)) out.add(Ysb.project(a));
    }
    return out;
  }

  @Override
  public void asyncInvoke(RawBatch b, ResultFuture<AdEvent> result) {
    calls.incrementAndGet();
    client.invoke(request(b, workUs)).handle((resp, err) -> {
      List<AdEvent> out = null;
      if (err == null) {
        try {
          out = decode(resp, b);
          offloaded.addAndGet(b.records.size());
        } catch (RuntimeException e) {
          out = null;
        }
      }
      if (out == null) {
        fallbacks.incrementAndGet();
        fallbackRecords.addAndGet(b.records.size());
        out = local(b);
      }
      result.complete(out);
      return null;
    });
  }

  @Override
  public void close() throws Exception {
    if (client != null) client.close();
    if (outputDir == null || calls == null) return;
    int i = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    Map<String, Long> s = Map.of("calls", calls.get(), "offloaded", offloaded.get(), "fallbacks", fallbacks.get(),
        "fallback_records", fallbackRecords.get());
    Path dir = Path.of(outputDir);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("source_offload-" + i + ".json"), JSON.writeValueAsString(s));
  }
}
