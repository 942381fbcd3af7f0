package io.spillway.flink.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The top key per window (largest count; ties → smallest key), as Nexmark q5 reports its hot items. */
public final class HotItems {
  private final Map<Long, Object[]> best = new TreeMap<>();

  public void add(long window, String key, long count) {
    Object[] b = best.get(window);
    if (b == null || count > (long) b[2] || (count == (long) b[2] && key.compareTo((String) b[1]) < 0))
      best.put(window, new Object[] {window, key, count});
  }

  /** [window, key, count] per window, by window. */
  public List<Object[]> list() { return new ArrayList<>(best.values()); }

  public static boolean same(List<Object[]> a, List<Object[]> b) {
    if (a.size() != b.size()) return false;
    for (int i = 0; i < a.size(); i++) if (!java.util.Arrays.equals(a.get(i), b.get(i))) return false;
    return true;
  }
}
