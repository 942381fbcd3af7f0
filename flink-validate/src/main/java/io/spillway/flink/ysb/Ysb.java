package io.spillway.flink.ysb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.flink.Line;
import io.spillway.flink.Tokenizer;
import io.spillway.flink.Trace;
import io.spillway.flink.nexmark.Q5HotItems;
import io.spillway.flink.shapes.Expected;
import io.spillway.flink.shapes.Row;
import io.spillway.flink.shapes.Shape;
import io.spillway.flink.shapes.ShapeCfg;
import io.spillway.flink.shapes.WindowCount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The YSB pipeline (examples/ysb.json; flink-benchmarks AdvertisingTopologyNative): source (JSON text, deserialised)
 * → filter_views (event_type = view) → project (ad_id, event_time) → join_campaign (ad → campaign, in memory) → hash
 * by campaign → campaign_window_count (tumbling event-time count) → sink. The four first chain into the source task.
 */
public final class Ysb implements Shape {
  private static final long serialVersionUID = 1L;
  public static final String NAME = "ysb";
  public static final String FILTER = "filter_views";
  public static final String PROJECT = "project";
  public static final String JOIN = "join_campaign";
  public static final String WINDOW = "campaign_window_count";
  /** With source_offload (examples/ysb-source-offload.json): the parse and the filter, chained to the source. */
  public static final String PARSE_FILTER = "parse_filter";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Deserialises one event's JSON text. */
  public static AdEvent parse(String json, long seq, long t) {
    try {
      JsonNode n = JSON.readTree(json);
      AdEvent e = new AdEvent();
      e.seq = seq;
      e.t = t;
      e.userId = n.get("user_id").asText();
      e.pageId = n.get("page_id").asText();
      e.adId = n.get("ad_id").asText();
      e.adType = n.get("ad_type").asText();
      e.eventType = n.get("event_type").asText();
      e.eventTime = Long.parseLong(n.get("event_time").asText());
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException("event " + seq + ": bad JSON", ex);
    }
  }

  public static boolean isView(AdEvent e) { return "view".equals(e.eventType); }

  /** YSB's project(2, 5): ad_id and event_time (seq and t kept for the checks). */
  public static AdEvent project(AdEvent e) {
    AdEvent p = new AdEvent();
    p.seq = e.seq;
    p.t = e.t;
    p.adId = e.adId;
    p.eventTime = e.eventTime;
    return p;
  }

  public static AdEvent join(AdEvent e, Map<String, String> table) {
    e.campaignId = table.get(e.adId);
    if (e.campaignId == null) throw new IllegalStateException("event " + e.seq + ": ad " + e.adId + " has no campaign");
    return e;
  }

  /** Source record seq n → its parsed event (the source task generates the text, then deserialises it). */
  public static AdEvent event(YsbGen gen, Trace trace, long n, long t) {
    return parse(gen.json(n, trace.offsetMs(n)), n, t);
  }

  static final class CountViews extends WindowCount.Count<AdEvent> {
    private static final long serialVersionUID = 1L;
    CountViews(long workUs) { super(workUs); }
    @Override protected long arrival(AdEvent e) { return e.t; }
    @Override protected long eventTime(AdEvent e) { return e.eventTime; }
  }

  @Override
  public DataStream<Row> build(DataStream<Line> source, Trace trace, long seed, ShapeCfg cfg) {
    if (cfg.sourceOffload != null) return YsbSourceOffload.build(source, trace, seed, cfg);
    YsbGen gen = new YsbGen(seed);
    long srcUs = cfg.workUs(SOURCE), filterUs = cfg.workUs(FILTER);
    DataStream<AdEvent> views = source
        .map((MapFunction<Line, AdEvent>) l -> { Tokenizer.burn(srcUs); return event(gen, trace, l.seq, l.t); },
            TypeInformation.of(AdEvent.class))
        .name("source.deserialise").uid("source.deserialise").setParallelism(cfg.parallelism(SOURCE))
        .filter((FilterFunction<AdEvent>) e -> { Tokenizer.burn(filterUs); return isView(e); })
        .name(FILTER).uid(FILTER).setParallelism(cfg.parallelism(FILTER));
    return tail(views, gen, cfg, false);
  }

  /**
   * project → join_campaign → count per campaign and window. {@code stamped}: the records already carry watermarks
   * from the source, and get their own event time back after the join (the function's results carry their batch's).
   */
  static DataStream<Row> tail(DataStream<AdEvent> views, YsbGen gen, ShapeCfg cfg, boolean stamped) {
    Map<String, String> table = gen.campaignTable();
    long projectUs = cfg.workUs(PROJECT), joinUs = cfg.workUs(JOIN);
    SingleOutputStreamOperator<AdEvent> joined = views
        .map((MapFunction<AdEvent, AdEvent>) e -> { Tokenizer.burn(projectUs); return project(e); }, TypeInformation.of(AdEvent.class))
        .name(PROJECT).uid(PROJECT).setParallelism(cfg.parallelism(PROJECT))
        .map((MapFunction<AdEvent, AdEvent>) e -> { Tokenizer.burn(joinUs); return join(e, table); }, TypeInformation.of(AdEvent.class))
        .name(JOIN).uid(JOIN).setParallelism(cfg.parallelism(JOIN));
    SingleOutputStreamOperator<AdEvent> timed = stamped
        ? joined.transform("join_campaign.event-time", TypeInformation.of(AdEvent.class),
            new io.spillway.flink.source.EventTimeStamper<AdEvent>(e -> e.eventTime))
        : joined.assignTimestampsAndWatermarks(WatermarkStrategy.<AdEvent>forMonotonousTimestamps().withTimestampAssigner((e, ts) -> e.eventTime))
            .name("join_campaign.event-time");
    return timed.uid("join_campaign.event-time").setParallelism(cfg.parallelism(JOIN))
        .keyBy((KeySelector<AdEvent, String>) e -> e.campaignId)
        .window(TumblingEventTimeWindows.of(Duration.ofMillis(cfg.windowMs)))
        .aggregate(new CountViews(cfg.workUs(WINDOW)), new WindowCount.Emit(),
            TypeInformation.of(long[].class), TypeInformation.of(long[].class), TypeInformation.of(Row.class))
        .name(WINDOW).uid(WINDOW).setParallelism(cfg.parallelism(WINDOW))
        .rebalance(); // the scenario's window -> sink edge
  }

  @Override
  public Expected expected(Trace trace, long seed, ShapeCfg cfg) {
    YsbGen gen = new YsbGen(seed);
    Map<String, String> table = gen.campaignTable();
    Map<Long, Map<String, Long>> counts = new HashMap<>();
    long views = 0;
    for (long n = 0; n < trace.total(); n++) {
      AdEvent e = event(gen, trace, n, 0);
      if (!isView(e)) continue;
      AdEvent j = join(project(e), table);
      views++;
      counts.computeIfAbsent(WindowCount.windowOf(j.eventTime, cfg.windowMs), w -> new HashMap<>())
          .merge(j.campaignId, 1L, Long::sum);
    }
    return Q5HotItems.windowsExpected(counts, views);
  }

  @Override
  public java.util.List<String> vertices(ShapeCfg cfg) {
    return java.util.List.of(cfg.sourceOffload != null ? PARSE_FILTER : FILTER, PROJECT, JOIN, WINDOW);
  }

  @Override public boolean windowed() { return true; }
}
