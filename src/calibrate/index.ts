/** Calibration: fitting distributions to measurements and writing platform models (docs/CALIBRATION.md). */
export {
  busyTimeService,
  calibrate,
  MIN_SAMPLES,
  type BatchModel,
  type CalibrateOptions,
  type CalibrationResult,
  type QuantityFit,
  type ServiceResult,
} from './calibrate.js';
export { FAMILIES, FAMILY, toSpec, type FamilyName, type FittedParams } from './families.js';
export { adStatistic, goodnessOfFit, ksPValue, ksStatistic, type GofResult } from './gof.js';
export { detectKind, readMeasurements, RUN_DIR_FILES, type Measurements, type MetricSample, type ProbeSample, type TimingSample } from './inputs.js';
export { observeKeepAlive, type KeepAliveResult } from './keep-alive.js';
export { fitLinear, type LinearFit } from './linear.js';
export { calibrationReportJson, describeSpec, formatCalibration } from './report.js';
export { scaleSpec, withMean } from './scale.js';
export { empiricalSpec, fitDistribution, quantileSorted, type CandidateFit, type DistributionFit, type FitOptions } from './select.js';
export { writeCalibration, type WrittenCalibration } from './write.js';
