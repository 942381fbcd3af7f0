package io.spillway.flink.ysb;

import java.io.Serializable;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic YSB ad events, as yahoo/streaming-benchmarks @ d1aaf6b data/src/setup/core.clj makes them: 100
 * campaigns x 10 ads (gen-ads), 100 user ids and 100 page ids (make-ids 100), each field drawn uniformly (rand-nth):
 * ad_type of 5, event_type of view/click/purchase (so 1 in 3 is a view); ip_address "1.2.3.4"; the JSON text of
 * make-kafka-event-at. event_time is the record's trace offset (ms), so windows do not depend on wall time.
 */
public final class YsbGen implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int CAMPAIGNS = 100;
  public static final int ADS_PER_CAMPAIGN = 10;
  static final String[] AD_TYPES = {"banner", "modal", "sponsored-search", "mail", "mobile"};
  static final String[] EVENT_TYPES = {"view", "click", "purchase"};

  private final long seed;
  private final String[] campaigns = new String[CAMPAIGNS];
  private final String[] ads = new String[CAMPAIGNS * ADS_PER_CAMPAIGN];
  private final String[] users = new String[100];
  private final String[] pages = new String[100];

  public YsbGen(long seed) {
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    fill(campaigns, r);
    fill(ads, r);
    fill(users, r);
    fill(pages, r);
  }

  private static void fill(String[] ids, SplittableRandom r) {
    for (int i = 0; i < ids.length; i++) ids[i] = new UUID(r.nextLong(), r.nextLong()).toString();
  }

  /** The campaign table (the Redis ad → campaign map of YSB): ad i belongs to campaign i / 10. */
  public java.util.Map<String, String> campaignTable() {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < ads.length; i++) m.put(ads[i], campaigns[i / ADS_PER_CAMPAIGN]);
    return m;
  }

  public String campaign(int i) { return campaigns[i]; }

  public String ad(int i) { return ads[i]; }

  /** The JSON text of event n at event time {@code timeMs}. */
  public String json(long n, long timeMs) {
    SplittableRandom r = new SplittableRandom(mix(seed, n));
    return "{\"user_id\": \"" + users[r.nextInt(users.length)]
        + "\", \"page_id\": \"" + pages[r.nextInt(pages.length)]
        + "\", \"ad_id\": \"" + ads[r.nextInt(ads.length)]
        + "\", \"ad_type\": \"" + AD_TYPES[r.nextInt(AD_TYPES.length)]
        + "\", \"event_type\": \"" + EVENT_TYPES[r.nextInt(EVENT_TYPES.length)]
        + "\", \"event_time\": \"" + timeMs
        + "\", \"ip_address\": \"1.2.3.4\"}";
  }

  static long mix(long seed, long n) {
    long z = seed * 0x9E3779B97F4A7C15L + n + 0x2545F4914F6CDD1DL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
