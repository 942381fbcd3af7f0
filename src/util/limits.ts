/**
 * The ranges every input is held to (docs/INPUTS.md lists them all, with what happens at the edges). A value
 * beyond one is a user error (one line, exit 2), not a run that takes hours or a number that means nothing.
 */

/** Longest simulated span: replay (duration_s, a trace's end) and drain alike, s (30 days). */
export const MAX_SPAN_S = 30 * 24 * 3600;

/** Largest seed: the integers a double holds exactly (seeds are turned into text for the seeded streams). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Highest rate in a rate trace, records/s (Flink jobs of this model stay far below; a typo should not pass). */
export const MAX_TRACE_RATE = 1e9;

/** Events a run may process before it is stopped (scenario field max_events); about 10 minutes here. */
export const DEFAULT_MAX_EVENTS = 300_000_000;
export const MAX_MAX_EVENTS = 10_000_000_000;
