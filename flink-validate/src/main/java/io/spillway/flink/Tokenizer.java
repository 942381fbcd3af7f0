package io.spillway.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shared tokenizer rule (same as the Lambda handlers, checked against lambda/testdata/vectors.json): lower-case
 * the line with {@link Locale#ROOT} (locale-independent), split on {@code [^\p{L}\p{N}]+}, drop empty tokens.
 * Lower-casing first matters for e.g. "İ" → "i" + U+0307 (a mark, so it separates) and Greek final sigma.
 */
public final class Tokenizer {
  public static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}]+");

  private Tokenizer() {}

  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isEmpty()) return out;
    for (String part : SPLIT.split(text.toLowerCase(Locale.ROOT))) {
      if (!part.isEmpty()) out.add(part);
    }
    return out;
  }

  public static int countTokens(String text) {
    return tokenize(text).size();
  }

  /** Busy-spins for the given number of microseconds (the simulated per-record CPU cost). */
  public static void burn(long micros) {
    if (micros <= 0) return;
    long end = System.nanoTime() + micros * 1000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x += 1; // keep the loop honest
    }
    if (x == Long.MIN_VALUE) System.out.print("");
  }
}
