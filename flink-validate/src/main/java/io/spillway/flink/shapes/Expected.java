package io.spillway.flink.shapes;

import java.util.List;

/**
 * A local-only run of a shape (the same per-record functions in a plain loop, no Flink): the digest the real run must
 * match, the records the sink must account for ({@code inputs}: bids for Q1 and Q5, views for YSB), and the hot item
 * of each window (Q5: [window, key, count]).
 */
public record Expected(Digest digest, long inputs, List<Object[]> hotItems) {}
