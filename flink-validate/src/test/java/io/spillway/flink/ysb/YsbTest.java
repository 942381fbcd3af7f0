package io.spillway.flink.ysb;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.Trace;
import io.spillway.flink.shapes.Expected;
import io.spillway.flink.shapes.ShapeCfg;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YsbTest {

  @Test
  void campaignTableIsHundredCampaignsOfTenAds() {
    YsbGen g = new YsbGen(1);
    Map<String, String> t = g.campaignTable();
    assertEquals(1000, t.size());
    assertEquals(100, t.values().stream().distinct().count());
    assertEquals(g.campaign(0), t.get(g.ad(0)));
    assertEquals(g.campaign(0), t.get(g.ad(9)));
    assertEquals(g.campaign(1), t.get(g.ad(10)));
    assertEquals(g.campaign(99), t.get(g.ad(999)));
  }

  @Test
  void parseFilterProjectJoin() {
    YsbGen g = new YsbGen(5);
    AdEvent e = Ysb.parse(g.json(42, 1234), 42, 99);
    assertEquals(1234, e.eventTime);
    assertEquals(42, e.seq);
    assertEquals(99, e.t);
    assertTrue(List.of("view", "click", "purchase").contains(e.eventType));
    AdEvent p = Ysb.project(e);
    assertNull(p.userId);
    assertNull(p.eventType);
    assertEquals(e.adId, p.adId);
    AdEvent j = Ysb.join(p, g.campaignTable());
    assertEquals(g.campaignTable().get(e.adId), j.campaignId);
    AdEvent bad = new AdEvent();
    bad.adId = "nope";
    assertThrows(IllegalStateException.class, () -> Ysb.join(bad, g.campaignTable()));
  }

  @Test
  void sameSeedSameBytes() {
    YsbGen a = new YsbGen(3), b = new YsbGen(3), c = new YsbGen(4);
    for (long n = 0; n < 500; n++) assertEquals(a.json(n, n), b.json(n, n));
    assertNotEquals(a.json(0, 0), c.json(0, 0));
  }

  @Test
  void oneInThreeIsAViewAndTheWindowsCountThem() {
    // 30 s at 1000 events/s, 10 s windows: 3 windows, 100 campaigns each
    Trace trace = new Trace(List.of(new double[] {0, 1000}), 30);
    ShapeCfg cfg = new ShapeCfg();
    cfg.name = Ysb.NAME;
    Expected e = new Ysb().expected(trace, 1, cfg);
    assertEquals(30_000, trace.total());
    assertEquals(10_000, e.inputs(), 300); // 1/3 views, +-3 sd
    assertEquals(300, e.digest().rows()); // (window, campaign) pairs
    assertEquals(3, e.hotItems().size());
    long views = 0;
    YsbGen g = new YsbGen(1);
    for (long n = 0; n < 30_000; n++) if (Ysb.isView(Ysb.event(g, trace, n, 0))) views++;
    assertEquals(views, e.inputs());
  }
}
