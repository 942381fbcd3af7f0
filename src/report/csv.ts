/** A small, strict reader for the numeric CSV files a run writes (timeseries.csv, latency_cdf.csv, cdf/<id>.csv). */
import { readFileSync } from 'node:fs';
import { UserError, where } from '../util/errors.js';

export interface NumericTable {
  /** The file it came from, for messages. */
  file: string;
  columns: string[];
  /** One object per data row; an empty cell is NaN. */
  rows: Record<string, number>[];
}

/** Read a file as text, or throw a UserError naming it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: file not found`);
    if (code === 'EISDIR') throw new UserError(`${file}: is a directory, expected a file`);
    throw new UserError(`${file}: cannot read: ${(err as Error).message}`);
  }
}

/**
 * Parse a numeric CSV with a header line. Blank lines and lines starting with `#` are skipped.
 * `required` columns must be in the header; every cell must be a number or empty (NaN).
 */
export function parseNumericCsv(file: string, text: string, required: readonly string[]): NumericTable {
  const lines = text.split(/\r?\n/);
  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) continue;
    headerLine = i;
    break;
  }
  if (headerLine < 0) throw new UserError(where(file, undefined, 'empty file, expected a header line'));
  const columns = lines[headerLine].split(',').map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new UserError(where(file, headerLine + 1, 'empty column name in the header'));
    if (seen.has(c)) throw new UserError(where(file, headerLine + 1, `duplicate column "${c}" in the header`));
    seen.add(c);
  }
  const missing = required.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new UserError(where(file, headerLine + 1, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header`));
  }
  const rows: Record<string, number>[] = [];
  for (let i = headerLine + 1; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '' || l.startsWith('#')) continue;
    const cells = l.split(',');
    if (cells.length !== columns.length) {
      throw new UserError(where(file, i + 1, `expected ${columns.length} fields, found ${cells.length}`));
    }
    const row: Record<string, number> = {};
    for (let j = 0; j < columns.length; j++) {
      const cell = cells[j].trim();
      if (cell === '' || cell === 'NaN') {
        row[columns[j]] = Number.NaN;
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new UserError(where(file, i + 1, `column "${columns[j]}": "${cell}" is not a number`));
      row[columns[j]] = v;
    }
    rows.push(row);
  }
  return { file, columns, rows };
}
