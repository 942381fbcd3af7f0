/**
 * The validation's own sections of report.html: the error table with PASS/FAIL per metric and, for `--repeat`, the
 * real and simulated spreads (min, mean, max) per metric.
 */
import { escapeHtml } from '../../report/html.js';
import type { ComparisonRow } from './compare.js';
import type { Spread, SpreadRow } from './repeat-stats.js';
import { formatTolerance, type Judgement } from './tolerances.js';

const num = (x: number | null | undefined): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x !== 0 && Math.abs(x) < 0.01) return x.toPrecision(3);
  if (Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  return String(Math.round(x * 1000) / 1000);
};

const errText = (j: Judgement): string =>
  j.error === null ? 'n/a' : j.kind === 'points' ? `${j.error >= 0 ? '+' : ''}${j.error.toFixed(1)} pts` : `${j.error >= 0 ? '+' : ''}${(j.error * 100).toFixed(1)}%`;
const tolText = (j: Judgement): string => (j.kind === 'points' ? formatTolerance(j) : `${formatTolerance(j)} (floor ${num(j.floor)})`);

function cell(tag: 'td' | 'th', text: string, cls?: string): string {
  return `<${tag}${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</${tag}>`;
}

/** The error table: per judged metric real, simulated, floored error, tolerance and PASS/FAIL. */
export function verdictSection(js: readonly Judgement[], rows: readonly ComparisonRow[]): string {
  const label = new Map(rows.map((r) => [r.key, r.unit ? `${r.label} (${r.unit})` : r.label]));
  const head = `<tr>${['metric', 'real', 'simulated', 'error (floored)', 'tolerance', 'verdict'].map((h) => cell('th', h)).join('')}</tr>`;
  const body = js
    .map((j) => `<tr data-key="${escapeHtml(j.key)}">${[
      cell('td', label.get(j.key) ?? j.key),
      cell('td', num(j.real)),
      cell('td', num(j.simulated)),
      cell('td', errText(j)),
      cell('td', tolText(j)),
      cell('td', j.verdict, j.verdict === 'PASS' ? 'pass' : j.verdict === 'FAIL' ? 'fail' : undefined),
    ].join('')}</tr>`)
    .join('\n');
  return `<h2>Real vs simulated: errors and verdict</h2>\n<table id="validation-errors">\n${head}\n${body}\n</table>`;
}

const spreadText = (s: Spread): string => (s.n === 0 ? 'n/a' : `${num(s.min)} / ${num(s.mean)} / ${num(s.max)}`);

/** The spreads of N repetitions: real and simulated min / mean / max per metric, and the judged error of the means. */
export function spreadSection(rows: readonly SpreadRow[], js: readonly Judgement[]): string {
  const byKey = new Map(js.map((j) => [j.key, j]));
  const head = `<tr>${['metric', 'real min / mean / max', 'simulated min / mean / max', 'error of the means', 'verdict'].map((h) => cell('th', h)).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const j = byKey.get(r.key);
      return `<tr data-key="${escapeHtml(r.key)}">${[
        cell('td', r.unit ? `${r.label} (${r.unit})` : r.label),
        cell('td', spreadText(r.real)),
        cell('td', spreadText(r.simulated)),
        cell('td', j ? errText(j) : '-'),
        cell('td', j ? j.verdict : 'not judged', j?.verdict === 'PASS' ? 'pass' : j?.verdict === 'FAIL' ? 'fail' : undefined),
      ].join('')}</tr>`;
    })
    .join('\n');
  return `<h2>Spread over the repetitions</h2>\n<table id="validation-spread">\n${head}\n${body}\n</table>`;
}
