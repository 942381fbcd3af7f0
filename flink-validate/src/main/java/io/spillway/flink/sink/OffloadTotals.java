package io.spillway.flink.sink;

import java.io.Serializable;
import java.util.Map;

/**
 * The offload statistics a sink totals from what its records carry (a batch's first result, a window's ledger
 * record), written into the summary under the same names by every job: fallback batches, invocations (attempts),
 * cold starts, throttles, errors, the function's billed and init ms.
 */
public final class OffloadTotals implements Serializable {
  private static final long serialVersionUID = 1L;
  private long fallbackBatches, invocations, coldStarts, throttles, errors, billedMs, initMs;

  public void add(long invocations, long coldStarts, long throttles, long errors, long fallbackBatches, long billedMs, long initMs) {
    this.invocations += invocations;
    this.coldStarts += coldStarts;
    this.throttles += throttles;
    this.errors += errors;
    this.fallbackBatches += fallbackBatches;
    this.billedMs += billedMs;
    this.initMs += initMs;
  }

  public void put(Map<String, Object> m) {
    m.put("fallback_batches", fallbackBatches);
    m.put("invocations", invocations);
    m.put("cold_starts", coldStarts);
    m.put("throttles", throttles);
    m.put("errors", errors);
    m.put("function_billed_ms", billedMs);
    m.put("function_init_ms", initMs);
  }
}
