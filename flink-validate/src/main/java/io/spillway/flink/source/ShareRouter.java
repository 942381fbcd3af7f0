package io.spillway.flink.source;

import java.io.Serializable;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The router in the source's task: a deterministic credit accumulator sends {@code share} of the read records to the
 * side output (the function) and pre-processes the rest here ({@code local}: the parsed record, or null when filtered).
 */
public class ShareRouter<T> extends ProcessFunction<RawEvent, T> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<RawEvent> OFFLOAD = new OutputTag<>("source-offload") {};

  /** Serializable local pre-processing: parse (and filter: null drops the record). */
  public interface Local<T> extends Serializable {
    T apply(RawEvent e);
  }

  private static final long ONE = 1_000_000L;
  /** The share in millionths: integer credit, so no rounding drift over long runs. */
  private final long share;
  private final Local<T> local;
  private long credit;

  public ShareRouter(double share, Local<T> local) {
    this.share = Math.round(share * ONE);
    this.local = local;
  }

  /** Whether the next record goes to the function (exact share over any prefix, to within one record). */
  public boolean route() {
    credit += share;
    if (credit >= ONE) {
      credit -= ONE;
      return true;
    }
    return false;
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<T> out) {
    if (route()) {
      ctx.output(OFFLOAD, e);
      return;
    }
    T r = local.apply(e);
    if (r != null) out.collect(r);
  }
}
