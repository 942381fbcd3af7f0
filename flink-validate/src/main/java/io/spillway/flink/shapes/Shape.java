package io.spillway.flink.shapes;

import io.spillway.flink.Line;
import io.spillway.flink.Trace;
import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;

/** One benchmark shape: its operators between the trace source and the checking sink, and its local-only run. */
public interface Shape extends Serializable {
  /** Scenario vertex id of the source (its parallelism and work apply to the source task). */
  String SOURCE = "source";

  /** Builds the operators from the source's records (seq, intended arrival) to the sink's rows. */
  DataStream<Row> build(DataStream<Line> source, Trace trace, long seed, ShapeCfg cfg);

  /** Runs the same functions over all the trace's records without Flink. */
  Expected expected(Trace trace, long seed, ShapeCfg cfg);

  /** The scenario vertex ids this shape's job has between source and sink (the keys parallelism and work_us may use). */
  java.util.List<String> vertices(ShapeCfg cfg);

  /** Whether the sink checks each input seq exactly once (record rows) or sums window counts. */
  boolean windowed();
}
