package io.spillway.flink.shapes;

/**
 * What every shape's sink receives. A record row (Q1) has its input's {@code seq}; a window row has seq -1, the window
 * start (event time, ms from the trace's t = 0), its key and count. {@code t} = intended arrival (epoch ms) of the
 * record, or the window's end on that clock, for latency (as the simulator measures it).
 */
public class Row {
  public long seq = -1;
  public long t;
  public long window = -1;
  public String key;
  public long value;

  public Row() {}

  public static Row record(long seq, long t, String key, long value) {
    Row r = new Row();
    r.seq = seq;
    r.t = t;
    r.key = key;
    r.value = value;
    return r;
  }

  public static Row window(long window, String key, long count, long t) {
    Row r = new Row();
    r.window = window;
    r.key = key;
    r.value = count;
    r.t = t;
    return r;
  }

  @Override
  public String toString() { return "Row{" + seq + "," + window + "," + key + "," + value + "}"; }
}
