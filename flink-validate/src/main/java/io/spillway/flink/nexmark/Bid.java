package io.spillway.flink.nexmark;

import java.util.Objects;

/** A Nexmark bid (Flink POJO). {@code t} = intended arrival, epoch ms (latency); {@code timeMs} = event time. */
public class Bid {
  public long eventId;
  public long timeMs;
  public long auction;
  public long bidder;
  /** Dollars x 100, as the reference PriceGenerator makes it. */
  public long price;
  public String channel;
  public long seq;
  public long t;

  public Bid() {}

  public Bid(long eventId, long timeMs, long auction, long bidder, long price, String channel) {
    this.eventId = eventId;
    this.timeMs = timeMs;
    this.auction = auction;
    this.bidder = bidder;
    this.price = price;
    this.channel = channel;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Bid)) return false;
    Bid b = (Bid) o;
    return eventId == b.eventId && timeMs == b.timeMs && auction == b.auction && bidder == b.bidder && price == b.price
        && Objects.equals(channel, b.channel);
  }

  @Override
  public int hashCode() { return Objects.hash(eventId, timeMs, auction, bidder, price, channel); }
}
