package io.spillway.flink;

import java.util.concurrent.locks.LockSupport;

/**
 * {@code wait} work mode: holds the calling (task) thread for a service time without spending CPU, by parking it.
 * Flink counts the time a user function blocks as busy (busyTimeMsPerSecond), as it does for real work.
 *
 * <p>A park overshoots its deadline (timer slack, scheduling on a loaded host). Within a busy period that error would
 * add up record after record, so the next record's service starts at the previous record's intended end when it
 * arrives within {@link #CARRY_NS} of it: the overshoot is absorbed and a run of n records takes the sum of their n
 * service times. A record arriving later (an idle gap) starts from now.
 */
public final class ServiceWait {
  /** Lateness up to this is taken as the previous park's overshoot, not idle time. */
  public static final long CARRY_NS = 2_000_000L;
  private long intendedEnd = Long.MIN_VALUE;

  /** Holds for {@code ms} milliseconds of service, counted from the previous intended end within a busy period. */
  public void hold(double ms) {
    long now = System.nanoTime();
    long start = intendedEnd != Long.MIN_VALUE && now - intendedEnd <= CARRY_NS && now >= intendedEnd ? intendedEnd : now;
    long end = start + Math.round(ms * 1e6);
    intendedEnd = end;
    for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) LockSupport.parkNanos(left);
  }
}
