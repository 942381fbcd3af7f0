package io.spillway.flink;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded, deterministic sample of rows (CSV lines) recorded during a run, for calibration: every row is kept until
 * {@code capacity} rows are held, then every other one is dropped and only every 2nd row (then 4th, 8th, ...) is
 * kept from then on. The kept rows are the ones whose index is a multiple of the current stride: evenly spread over
 * the whole run, the same rows on every run with the same input, never more than {@code capacity}.
 *
 * <p>Each subtask writes its own part file {@code <name>-<subtask>.csv} into the job's output directory when it
 * closes (on a remote cluster that is the TaskManager's file system); {@link #mergeParts} joins the parts into
 * {@code <name>.csv} (done by Main after a local run).
 */
public final class Samples {
  private final String header;
  private final int capacity;
  private String[] rows;
  private int size;
  private long seen;
  private long stride = 1;

  public Samples(String header, int capacity) {
    this.header = header;
    this.capacity = Math.max(2, capacity & ~1);
    this.rows = new String[Math.min(this.capacity, 1024)];
  }

  /** Whether the next row would be kept (lets callers skip formatting rows that would be dropped). */
  public synchronized boolean wantsNext() {
    return seen % stride == 0 && (size < capacity || seen % (2 * stride) == 0);
  }

  public synchronized void add(String row) {
    long i = seen++;
    if (i % stride != 0) return;
    if (size == capacity) {
      for (int k = 0; k < capacity / 2; k++) rows[k] = rows[2 * k];
      for (int k = capacity / 2; k < capacity; k++) rows[k] = null;
      size = capacity / 2;
      stride *= 2;
      if (i % stride != 0) return;
    }
    if (size == rows.length) rows = java.util.Arrays.copyOf(rows, Math.min(capacity, rows.length * 2));
    rows[size++] = row;
  }

  public synchronized int size() { return size; }

  public synchronized long seen() { return seen; }

  public synchronized List<String> rows() {
    List<String> out = new ArrayList<>(size);
    for (int k = 0; k < size; k++) out.add(rows[k]);
    return out;
  }

  /** Writes {@code dir/<name>-<subtask>.csv} (header + rows); best effort, never fails the job. */
  public void writePart(String dir, String name, int subtask) {
    if (dir == null || dir.isEmpty()) return;
    try {
      Path d = Path.of(dir);
      Files.createDirectories(d);
      try (Writer w = Files.newBufferedWriter(d.resolve(name + "-" + subtask + ".csv"), StandardCharsets.UTF_8)) {
        w.write(header);
        w.write('\n');
        for (String r : rows()) {
          w.write(r);
          w.write('\n');
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("spillway: could not write " + name + " samples: " + e);
    }
  }

  /**
   * Joins {@code dir/<name>-<i>.csv} (i = 0, 1, ...) into {@code dir/<name>.csv} (one header) and deletes the parts.
   * Returns the number of rows written, or -1 when there were no parts.
   */
  public static int mergeParts(Path dir, String name) throws IOException {
    if (!Files.isDirectory(dir)) return -1;
    List<Path> parts = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name + "-*.csv")) {
      for (Path p : ds) {
        String idx = p.getFileName().toString().substring(name.length() + 1).replace(".csv", "");
        if (idx.matches("\\d+")) parts.add(p);
      }
    }
    if (parts.isEmpty()) return -1;
    parts.sort((a, b) -> Integer.compare(index(a, name), index(b, name)));
    int n = 0;
    String header = null;
    List<String> out = new ArrayList<>();
    for (Path p : parts) {
      List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
      if (lines.isEmpty()) continue;
      if (header == null) {
        header = lines.get(0);
        out.add(header);
      }
      for (String l : lines.subList(1, lines.size())) {
        if (l.isEmpty()) continue;
        out.add(l);
        n++;
      }
    }
    if (header != null) Files.write(dir.resolve(name + ".csv"), out, StandardCharsets.UTF_8);
    for (Path p : parts) Files.deleteIfExists(p);
    return n;
  }

  private static int index(Path p, String name) {
    return Integer.parseInt(p.getFileName().toString().substring(name.length() + 1).replace(".csv", ""));
  }
}
