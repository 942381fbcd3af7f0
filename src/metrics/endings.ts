/** How a set of runs ended (drained, still in flight, lost), for the tables that summarise several runs. */
import type { RunSummary } from './summary.js';

export interface Endings {
  /** Runs that drained (every record finished). */
  drained: number;
  /** The most records still in flight at the end of any run. */
  in_flight_max: number;
  /** Records lost over the runs; null when a run did not drain and lost nothing known (losses unknown). */
  lost: number | null;
}

export function endingsOf(summaries: readonly Pick<RunSummary, 'drained' | 'records'>[]): Endings {
  let drained = 0;
  let inFlight = 0;
  let lost = 0;
  for (const s of summaries) {
    if (s.drained) drained++;
    inFlight = Math.max(inFlight, s.records.in_flight);
    lost += s.records.lost;
  }
  // Losses are only known once every record has finished.
  return { drained, in_flight_max: inFlight, lost: drained === summaries.length || lost > 0 ? lost : null };
}

/** The printed cells: drained "3/3" (or "1/3 NO"), in flight, lost ("–" when unknown, never "0"). */
export function endingCells(e: Endings, n: number): [string, string, string] {
  return [e.drained === n ? `${n}/${n}` : `${e.drained}/${n} NO`, String(e.in_flight_max), e.lost === null ? '–' : String(e.lost)];
}
