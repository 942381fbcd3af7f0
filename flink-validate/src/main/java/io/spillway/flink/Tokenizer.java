package io.spillway.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shared tokenizer rule (same as the Lambda handlers): split on {@code [^\p{L}\p{N}]+}, lower-case each token
 * with {@link Locale#ROOT}, drop empty tokens.
 */
public final class Tokenizer {
  public static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}]+");

  private Tokenizer() {}

  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isEmpty()) return out;
    for (String part : SPLIT.split(text)) {
      if (part.isEmpty()) continue;
      String t = part.toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) out.add(t);
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
