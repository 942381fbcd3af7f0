package io.spillway.flink.nexmark;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Deterministic Nexmark event generator: event id n gives the same event for a given seed, whatever the parallelism
 * or timing. Ids, proportions and key skew follow the reference generator (nexmark/nexmark @ 6b3646c,
 * nexmark-flink/.../generator: GeneratorConfig, NexmarkConfiguration defaults, BidGenerator, AuctionGenerator,
 * PersonGenerator, PriceGenerator): persons:auctions:bids = 1:3:46 by event id within each epoch of 50; a bid goes to
 * the hot auction (the first of the last 100 auctions) with probability 1/2, else to one of the ~100 auctions in flight
 * (plus a lead of 10); the same for bidders (1/4 not hot, hot = second of the last 100 persons). Strings (names,
 * extra bytes) are left out: the shapes only need the ids, the price and the channel.
 */
public final class NexmarkGen implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int PERSON_PROPORTION = 1;
  public static final int AUCTION_PROPORTION = 3;
  public static final int BID_PROPORTION = 46;
  public static final int TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
  public static final long FIRST_AUCTION_ID = 1000L;
  public static final long FIRST_PERSON_ID = 1000L;
  static final int HOT_AUCTION_RATIO = 2; // NexmarkConfiguration.hotAuctionRatio
  static final int HOT_BIDDERS_RATIO = 4; // NexmarkConfiguration.hotBiddersRatio
  static final int HOT_SELLERS_RATIO = 4; // NexmarkConfiguration.hotSellersRatio
  static final int HOT_BATCH = 100; // BidGenerator.HOT_AUCTION_RATIO / HOT_BIDDER_RATIO, AuctionGenerator.HOT_SELLER_RATIO
  static final int IN_FLIGHT_AUCTIONS = 100; // numInFlightAuctions
  static final int ACTIVE_PEOPLE = 1000; // numActivePeople
  static final int AUCTION_ID_LEAD = 10;
  static final int PERSON_ID_LEAD = 10;
  static final int HOT_CHANNELS_RATIO = 2;
  static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
  static final int CHANNELS = 10_000;

  public enum Kind { PERSON, AUCTION, BID }

  private final long seed;

  public NexmarkGen(long seed) { this.seed = seed; }

  public static Kind kind(long eventId) {
    long r = eventId % TOTAL_PROPORTION;
    if (r < PERSON_PROPORTION) return Kind.PERSON;
    return r < PERSON_PROPORTION + AUCTION_PROPORTION ? Kind.AUCTION : Kind.BID;
  }

  /** Event id of the n-th bid (n = 0, 1, ...): the shapes' source reads the bid stream only, as the scenarios do. */
  public static long bidEventId(long n) {
    return (n / BID_PROPORTION) * TOTAL_PROPORTION + PERSON_PROPORTION + AUCTION_PROPORTION + n % BID_PROPORTION;
  }

  static long lastBase0AuctionId(long eventId) {
    long epoch = eventId / TOTAL_PROPORTION;
    long offset = eventId % TOTAL_PROPORTION;
    if (offset < PERSON_PROPORTION) {
      epoch--;
      offset = AUCTION_PROPORTION - 1;
    } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
      offset = AUCTION_PROPORTION - 1;
    } else {
      offset -= PERSON_PROPORTION;
    }
    return epoch * AUCTION_PROPORTION + offset;
  }

  static long lastBase0PersonId(long eventId) {
    long epoch = eventId / TOTAL_PROPORTION;
    long offset = Math.min(eventId % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
    return epoch * PERSON_PROPORTION + offset;
  }

  static long nextBase0AuctionId(long eventId, SplittableRandom r) {
    long max = lastBase0AuctionId(eventId);
    long min = Math.max(max - IN_FLIGHT_AUCTIONS, 0);
    return min + r.nextInt((int) (max - min + 1 + AUCTION_ID_LEAD));
  }

  static long nextBase0PersonId(long eventId, SplittableRandom r) {
    long people = lastBase0PersonId(eventId) + 1;
    long active = Math.min(people, ACTIVE_PEOPLE);
    return people - active + r.nextInt((int) (active + PERSON_ID_LEAD));
  }

  private SplittableRandom random(long eventId) { return new SplittableRandom(mix(seed, eventId)); }

  /** The bid of event id {@code eventId} (which must be a bid id), with event time {@code timeMs}. */
  public Bid bid(long eventId, long timeMs) {
    if (kind(eventId) != Kind.BID) throw new IllegalArgumentException("event " + eventId + " is not a bid");
    SplittableRandom r = random(eventId);
    long auction = r.nextInt(HOT_AUCTION_RATIO) > 0
        ? (lastBase0AuctionId(eventId) / HOT_BATCH) * HOT_BATCH
        : nextBase0AuctionId(eventId, r);
    long bidder = r.nextInt(HOT_BIDDERS_RATIO) > 0
        ? (lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH + 1
        : nextBase0PersonId(eventId, r);
    long price = Math.round(Math.pow(10.0, r.nextDouble() * 6.0) * 100.0);
    String channel = r.nextInt(HOT_CHANNELS_RATIO) > 0
        ? HOT_CHANNELS[r.nextInt(HOT_CHANNELS.length)] : "channel-" + r.nextInt(CHANNELS);
    return new Bid(eventId, timeMs, auction + FIRST_AUCTION_ID, bidder + FIRST_PERSON_ID, price, channel);
  }

  /** Seller of auction event {@code eventId}: hot (first of the last 100 persons) with probability 3/4. */
  public long auctionSeller(long eventId) {
    SplittableRandom r = random(eventId);
    long seller = r.nextInt(HOT_SELLERS_RATIO) > 0
        ? (lastBase0PersonId(eventId) / HOT_BATCH) * HOT_BATCH
        : nextBase0PersonId(eventId, r);
    return seller + FIRST_PERSON_ID;
  }

  /** Id of the auction (resp. person) that auction (resp. person) event {@code eventId} creates. */
  public static long newAuctionId(long eventId) { return lastBase0AuctionId(eventId) + FIRST_AUCTION_ID; }

  public static long newPersonId(long eventId) { return lastBase0PersonId(eventId) + FIRST_PERSON_ID; }

  static long mix(long seed, long n) {
    long z = seed * 0x9E3779B97F4A7C15L + n + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
