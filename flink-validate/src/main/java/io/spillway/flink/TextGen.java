package io.spillway.flink;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic text for record n: depends only on (seed, n), not on parallelism or timing.
 * Either words drawn from a vocabulary (uniform count in [wordsMin, wordsMax]) joined by punctuation separators,
 * or line (n mod corpus size) of a fixed corpus.
 */
public final class TextGen implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String[] DEFAULT_VOCABULARY = {
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "stream", "flink", "lambda", "burst",
    "spillway", "record", "latency", "backpressure", "operator", "window", "token", "buffer", "credit",
    "checkpoint", "barrier", "watermark", "state", "merge", "router", "sink", "source", "cloud", "function",
    "offload", "café", "naïve", "straße", "über", "東京", "данные", "поток", "数据", "ελληνικά", "2026", "42",
    "v2", "x86", "arm64", "Kafka", "AWS", "Azure", "Nexmark", "YSB", "p99", "HdrHistogram", "Ünïcödé"
  };
  private static final String[] SEPARATORS = {" ", " ", " ", ", ", "; ", " - ", ". ", "!? ", " (", ") ", " / ", "\t"};

  private final long seed;
  private final int wordsMin;
  private final int wordsMax;
  private final String[] vocabulary;
  private final int[] vocabTokens;
  private final String[] corpus;
  private final int[] corpusTokens;

  public TextGen(long seed, int wordsMin, int wordsMax, List<String> vocabulary, List<String> corpus) {
    if (wordsMin < 0 || wordsMax < wordsMin) throw new IllegalArgumentException("need 0 <= words_min <= words_max");
    this.seed = seed;
    this.wordsMin = wordsMin;
    this.wordsMax = wordsMax;
    this.vocabulary = vocabulary == null || vocabulary.isEmpty()
        ? DEFAULT_VOCABULARY : vocabulary.toArray(new String[0]);
    this.vocabTokens = new int[this.vocabulary.length];
    for (int i = 0; i < this.vocabulary.length; i++) vocabTokens[i] = Tokenizer.countTokens(this.vocabulary[i]);
    if (corpus != null && !corpus.isEmpty()) {
      this.corpus = corpus.toArray(new String[0]);
      this.corpusTokens = new int[this.corpus.length];
      for (int i = 0; i < this.corpus.length; i++) corpusTokens[i] = Tokenizer.countTokens(this.corpus[i]);
    } else {
      this.corpus = null;
      this.corpusTokens = null;
    }
  }

  /** Fills {@code line.text} and {@code line.expectedTokens} for {@code line.seq}. */
  public void fill(Line line) {
    long n = line.seq;
    if (corpus != null) {
      int i = (int) Math.floorMod(n, (long) corpus.length);
      line.text = corpus[i];
      line.expectedTokens = corpusTokens[i];
      return;
    }
    SplittableRandom r = new SplittableRandom(mix(seed, n));
    int words = wordsMin + (wordsMax > wordsMin ? r.nextInt(wordsMax - wordsMin + 1) : 0);
    StringBuilder sb = new StringBuilder(words * 8);
    int tokens = 0;
    for (int w = 0; w < words; w++) {
      int v = r.nextInt(vocabulary.length);
      String word = vocabulary[v];
      if (w == 0 && !word.isEmpty()) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      if (w > 0) sb.append(SEPARATORS[r.nextInt(SEPARATORS.length)]);
      sb.append(word);
      tokens += vocabTokens[v];
    }
    if (words > 0) sb.append('.');
    line.text = sb.toString();
    line.expectedTokens = tokens;
  }

  static long mix(long seed, long n) {
    long z = seed * 0x9E3779B97F4A7C15L + n + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
