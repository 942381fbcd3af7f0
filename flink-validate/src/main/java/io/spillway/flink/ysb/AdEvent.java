package io.spillway.flink.ysb;

/** A parsed YSB ad event (Flink POJO); after the join {@code campaignId} is set. */
public class AdEvent {
  public long seq;
  public long t;
  public String userId;
  public String pageId;
  public String adId;
  public String adType;
  public String eventType;
  public long eventTime;
  public String campaignId;

  public AdEvent() {}
}
