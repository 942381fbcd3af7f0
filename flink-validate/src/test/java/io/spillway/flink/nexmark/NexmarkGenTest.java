package io.spillway.flink.nexmark;

import static org.junit.jupiter.api.Assertions.*;

import io.spillway.flink.nexmark.NexmarkGen.Kind;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NexmarkGenTest {

  @Test
  void proportionsAreOneThreeFortySixPerFifty() {
    Map<Kind, Long> n = new EnumMap<>(Kind.class);
    for (long id = 0; id < 50_000; id++) n.merge(NexmarkGen.kind(id), 1L, Long::sum);
    assertEquals(1_000L, n.get(Kind.PERSON));
    assertEquals(3_000L, n.get(Kind.AUCTION));
    assertEquals(46_000L, n.get(Kind.BID));
    assertEquals(Kind.PERSON, NexmarkGen.kind(0));
    assertEquals(Kind.AUCTION, NexmarkGen.kind(1));
    assertEquals(Kind.AUCTION, NexmarkGen.kind(3));
    assertEquals(Kind.BID, NexmarkGen.kind(4));
    assertEquals(Kind.BID, NexmarkGen.kind(49));
  }

  @Test
  void bidEventIdsAreTheBidsInOrder() {
    long n = 0;
    for (long id = 0; id < 5_000; id++) {
      if (NexmarkGen.kind(id) == Kind.BID) assertEquals(id, NexmarkGen.bidEventId(n++));
    }
    assertEquals(4, NexmarkGen.bidEventId(0));
    assertEquals(54, NexmarkGen.bidEventId(46));
  }

  @Test
  void idsFollowTheReferenceGenerator() {
    // event 0 makes person 1000; events 1..3 auctions 1000..1002; epoch 1 (events 50..) person 1001, auctions 1003..
    assertEquals(1000, NexmarkGen.newPersonId(0));
    assertEquals(1000, NexmarkGen.newAuctionId(1));
    assertEquals(1002, NexmarkGen.newAuctionId(3));
    assertEquals(1001, NexmarkGen.newPersonId(50));
    assertEquals(1003, NexmarkGen.newAuctionId(51));
    // a bid in epoch 1 sees auction base0 5 as the last one, a person in epoch 1 sees auction base0 2
    assertEquals(5, NexmarkGen.lastBase0AuctionId(60));
    assertEquals(2, NexmarkGen.lastBase0AuctionId(50));
    // ... and person base0 1 as the last person (one person per epoch)
    assertEquals(1, NexmarkGen.lastBase0PersonId(60));
    assertEquals(0, NexmarkGen.lastBase0PersonId(49));
  }

  @Test
  void sameSeedSameBidsOtherSeedOtherBids() {
    NexmarkGen a = new NexmarkGen(7), b = new NexmarkGen(7), c = new NexmarkGen(8);
    int differ = 0;
    for (long n = 0; n < 1000; n++) {
      long id = NexmarkGen.bidEventId(n);
      assertEquals(a.bid(id, n), b.bid(id, n));
      if (!a.bid(id, n).equals(c.bid(id, n))) differ++;
    }
    assertTrue(differ > 900, "seeds 7 and 8 differ on " + differ + " of 1000 bids");
  }

  @Test
  void keyDistributionsFollowTheHotRatios() {
    NexmarkGen g = new NexmarkGen(1);
    int bids = 200_000, hotAuction = 0, hotBidder = 0, hotChannel = 0;
    for (long n = 0; n < bids; n++) {
      long id = NexmarkGen.bidEventId(n);
      Bid b = g.bid(id, 0);
      long last = NexmarkGen.lastBase0AuctionId(id);
      // in flight: [last - 100, last + 10] (AUCTION_ID_LEAD), or the hot one
      assertTrue(b.auction - 1000 >= Math.max(0, last - 100) && b.auction - 1000 <= last + 10, "auction " + b.auction);
      if (b.auction - 1000 == (last / 100) * 100) hotAuction++;
      if (b.bidder - 1000 == (NexmarkGen.lastBase0PersonId(id) / 100) * 100 + 1) hotBidder++;
      if (!b.channel.startsWith("channel-")) hotChannel++;
      assertTrue(b.price >= 100 && b.price <= 100_000_000L, "price " + b.price);
    }
    // P(hot auction) = 1/2 + 1/2 x P(uniform pick hits it) (~1/111); P(hot bidder) = 3/4 + small; P(hot channel) = 1/2
    assertEquals(0.5045, hotAuction / (double) bids, 0.01);
    assertEquals(0.75, hotBidder / (double) bids, 0.01);
    assertEquals(0.5, hotChannel / (double) bids, 0.01);
  }

  @Test
  void q1ConvertsDollarsToEurosExactly() {
    assertEquals(90_800, Q1.euroMilli(100)); // $1.00 -> 0.908 EUR = 90.8 cents = 90,800 thousandths of a cent
    assertEquals(908, Q1.euroMilli(1));
    Bid b = new Bid(4, 0, 1000, 1001, 12_345, "Google");
    b.seq = 0;
    assertEquals(11_209_260, Q1.convert(b).value); // 12,345 x 0.908 = 11,209.26 cents
    assertEquals("1000/1001/Google", Q1.convert(b).key);
  }
}
