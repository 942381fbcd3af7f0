package io.spillway.flink.source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JobManager-side signals between the two source enumerators of one run. The data enumerator fixes t0 only once the
 * control reader runs (so the first polled decision normally arrives within start_delay_ms, before t0). (both run in the JobManager JVM, under the
 * job's class loader): the data enumerator marks the run's data as done once every reader has finished its split;
 * the control enumerator then tells its reader to stop, so the job can end by itself.
 */
public final class RunRegistry {
  private static final Set<String> DATA_DONE = ConcurrentHashMap.newKeySet();
  private static final Set<String> CONTROL_READY = ConcurrentHashMap.newKeySet();

  private RunRegistry() {}

  public static void markDataDone(String runId) { DATA_DONE.add(runId); }

  public static boolean isDataDone(String runId) { return DATA_DONE.contains(runId); }

  /** The control source's reader has its split (it polls from now on). */
  public static void markControlReady(String runId) { CONTROL_READY.add(runId); }

  public static boolean isControlReady(String runId) { return CONTROL_READY.contains(runId); }

  public static void clear(String runId) {
    DATA_DONE.remove(runId);
    CONTROL_READY.remove(runId);
  }
}
