/** Writing a calibration's files: the model, the optional scenario copy and the optional JSON report. */
import { writeFileAtomic } from '../util/output.js';
import type { CalibrationResult } from './calibrate.js';
import { calibrationReportJson } from './report.js';

export interface WrittenCalibration {
  model: string;
  scenario: string | null;
  report: string | null;
}

export function writeCalibration(r: CalibrationResult, paths: { model: string; scenario?: string; report?: string }): WrittenCalibration {
  const write = (p: string, text: string): void => writeFileAtomic(p, text);
  write(paths.model, JSON.stringify(r.model, null, 2) + '\n');
  if (paths.scenario && r.scenario) write(paths.scenario, JSON.stringify(r.scenario, null, 2) + '\n');
  if (paths.report) write(paths.report, calibrationReportJson(r));
  return { model: paths.model, scenario: paths.scenario && r.scenario ? paths.scenario : null, report: paths.report ?? null };
}
