/**
 * A run's decisions.csv for the decisions chart: the share the policy sent and every number its note names.
 * Built-in policies write what they read and the thresholds they compare with as `name=value` in the note
 * (`pending=9692 target=1000`, `arrival=12070 capacity=6659 share=0.506`), so this works for every policy,
 * including a user's that follows the same habit. Only the first offload point is shown.
 */
import { existsSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../util/errors.js';
import { readText } from './csv.js';

export interface DecisionPoint {
  t_s: number;
  /** 'share', or a name from the note. */
  key: string;
  value: number;
}

const NOTE_NUMBER = /([A-Za-z_][\w.]*)=(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g;

/** The numbers a note names, in order; a name repeated keeps its first value. */
export function noteNumbers(note: string): [string, number][] {
  const out = new Map<string, number>();
  for (const m of note.matchAll(NOTE_NUMBER)) if (!out.has(m[1])) out.set(m[1], Number(m[2]));
  return [...out];
}

/** decisions.csv of a run directory, or [] when the run wrote none (no offload point). */
export function loadDecisions(file: string): DecisionPoint[] {
  if (!existsSync(file)) return [];
  let rows: Record<string, string>[];
  try {
    rows = parse(readText(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new UserError(`${file}: not a decisions table: ${(err as Error).message}`);
  }
  const first = rows[0]?.point;
  const out: DecisionPoint[] = [];
  rows.forEach((r, i) => {
    if (r.point !== first) return;
    const t = Number(r.t_s);
    const share = Number(r.share);
    if (!Number.isFinite(t) || !Number.isFinite(share)) throw new UserError(`${file}: line ${i + 2}: t_s and share must be numbers`);
    out.push({ t_s: t, key: 'share', value: share });
    for (const [key, value] of noteNumbers(r.note ?? '')) if (key !== 'share') out.push({ t_s: t, key, value });
  });
  return out;
}
