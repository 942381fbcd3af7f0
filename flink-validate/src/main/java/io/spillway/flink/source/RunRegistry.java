package io.spillway.flink.source;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JobManager-side signal between the two source enumerators of one run (both run in the JobManager JVM, under the
 * job's class loader): the data enumerator marks the run's data as done once every reader has finished its split;
 * the control enumerator then tells its reader to stop, so the job can end by itself.
 */
public final class RunRegistry {
  private static final Set<String> DATA_DONE = ConcurrentHashMap.newKeySet();

  private RunRegistry() {}

  public static void markDataDone(String runId) { DATA_DONE.add(runId); }

  public static boolean isDataDone(String runId) { return DATA_DONE.contains(runId); }

  public static void clear(String runId) { DATA_DONE.remove(runId); }
}
