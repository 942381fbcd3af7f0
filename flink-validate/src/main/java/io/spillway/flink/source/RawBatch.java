package io.spillway.flink.source;

import java.util.ArrayList;
import java.util.List;

/** The raw records of one function call (Flink POJO). */
public class RawBatch {
  public List<RawEvent> records = new ArrayList<>();

  public RawBatch() {}
}
