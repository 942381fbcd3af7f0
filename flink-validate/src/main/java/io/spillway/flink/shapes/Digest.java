package io.spillway.flink.shapes;

import java.nio.charset.StandardCharsets;

/**
 * Order-free digest of a multiset of rows: the sum (mod 2^64) of a 64-bit mix of each row's (seq, window, key, value),
 * and the row count. Two runs have equal digests when they emit the same rows in any order (a lost, duplicated or
 * changed row changes it with probability ~1 - 2^-64). The intended arrival time is left out: it depends on t0.
 */
public final class Digest {
  private long sum;
  private long rows;

  public void add(Row r) {
    sum += of(r);
    rows++;
  }

  public long sum() { return sum; }

  public long rows() { return rows; }

  public String hex() { return String.format("%016x", sum); }

  static long of(Row r) {
    long h = mix(r.seq * 0x9E3779B97F4A7C15L ^ r.window);
    if (r.key != null) for (byte b : r.key.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xff));
    return mix(h ^ r.value);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
