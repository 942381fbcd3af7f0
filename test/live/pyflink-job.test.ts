/**
 * The Python tokenizer (--operator-lang python, docs/PYFLINK.md): option checks and the job config it makes, always;
 * with SPILLWAY_PYFLINK_E2E=1 (npm run test:pyflink: needs the PyFlink venv and the -Ppython jar) a real MiniCluster
 * run whose tokenizer is the PyFlink UDTF in a Python worker, with exact counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/experiment/runner.js';
import { flinkJarPath, flinkValidateDir } from '../../src/live/flink-job.js';
import { PYTHON_START_DELAY_MS, scenarioToJobConfig } from '../../src/live/validate/job-config.js';
import { checkOptions, pyflinkPython } from '../../src/live/validate/options.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = resolve(__dirname, '../..');
const SPIKE = join(ROOT, 'test', 'e2e', 'validate-spike.json');
const base = { controlUrl: null, outputDir: '/tmp/x/real/flink', endpointUrl: null, workMode: 'wait' as const };

describe('--operator-lang python: options and job config', () => {
  it('names the -Ppython jar beside the others', () => {
    const dir = flinkValidateDir();
    expect(flinkJarPath(false, dir, true)).toBe(`${dir}/target/flink-validate-0.1.0-python.jar`);
    expect(flinkJarPath(true, dir, true)).toBe(`${dir}/target/flink-validate-0.1.0-cluster.jar`);
  });

  it('python: lang, interpreter and the later trace start go into the config; java leaves it as it was', () => {
    const s = loadScenario(SPIKE);
    const py = scenarioToJobConfig(s, { ...base, operatorLang: 'python', pythonExecutable: '/opt/py/bin/python' });
    expect(py.config.tokenizer).toEqual({
      work_us_per_record: 1000, mode: 'wait', service_ms: { type: 'lognormal', mean: 1.0, cv: 0.3 }, lang: 'python', python_executable: '/opt/py/bin/python',
    });
    expect(py.config.start_delay_ms).toBe(PYTHON_START_DELAY_MS);
    expect(py.notes.some((n) => n.startsWith('operator language python'))).toBe(true);
    const java = scenarioToJobConfig(s, { ...base, operatorLang: 'java' });
    expect(java.config.tokenizer).toEqual({ work_us_per_record: 1000, mode: 'wait', service_ms: { type: 'lognormal', mean: 1.0, cv: 0.3 } });
    expect(java.config.start_delay_ms).toBeUndefined();
  });

  it('rejects a bad language, a remote cluster, and a missing interpreter with one line each', () => {
    const o = { scenario: SPIKE };
    expect(() => checkOptions({ ...o, operatorLang: 'rust' as never })).toThrow(new UserError('--operator-lang: expected java or python, got "rust"'));
    expect(() => checkOptions({ ...o, operatorLang: 'python', flink: 'http://127.0.0.1:8081' })).toThrow(/runs on the local MiniCluster only/);
    expect(() => pyflinkPython({ SPILLWAY_PYFLINK_PYTHON: '/nonexistent/bin/python' })).toThrow(
      new UserError('--operator-lang python: no Python with PyFlink at /nonexistent/bin/python (run npm run setup:pyflink, or set SPILLWAY_PYFLINK_PYTHON)'),
    );
    expect(pyflinkPython({ SPILLWAY_PYFLINK_PYTHON: process.execPath })).toBe(process.execPath);
    expect(() => checkOptions({ ...o, operatorLang: 'java', flink: 'http://127.0.0.1:8081' })).not.toThrow();
  });
});

// Real MiniCluster with the Python worker (~30-60 s): SPILLWAY_PYFLINK_E2E=1, or npm run test:pyflink.
const e2e = process.env.SPILLWAY_PYFLINK_E2E === '1';
describe.skipIf(!e2e)('PyFlink tokenizer end to end (local MiniCluster + Python worker)', () => {
  it('runs the UDTF in the job shape: exact counts, token counts checked at the sink, one timing per line', async () => {
    const { startLocalJob } = await import('../../src/live/flink-job.js');
    const out = tempDir('pyflink-job-e2e-');
    const h = await startLocalJob({
      duration_s: 3, trace: [[0, 500]], output_dir: out, offload: { enabled: false }, linger_ms: 500, start_delay_ms: PYTHON_START_DELAY_MS,
      tokenizer: { mode: 'wait', service_ms: { type: 'deterministic', value: 0.5 }, lang: 'python', python_executable: pyflinkPython() },
    });
    const job = await h.client.job(h.jobId);
    const names = job.vertices.map((v) => v.name);
    // the Python stage chains into one task holding the operator the harness reads ("tokenizer"); without offload
    // the sink has one input and chains on, as it does behind the Java tokenizer
    const tok = names.find((n) => n.split(' -> ').includes('tokenizer'));
    expect(tok).toMatch(/^tokenizer-input -> DataStreamToTable -> PythonCorrelate\[\d+\] -> Calc\[\d+\] -> TableToDataStream -> tokenizer( -> sink: Writer)?$/);
    const r = await h.wait();
    expect(r.exitCode).toBe(0);
    expect(r.summary?.records_generated).toBe(1500);
    expect(r.summary?.records_emitted).toBe(1500);
    expect(r.summary?.lost).toBe(0);
    expect(r.summary?.duplicated).toBe(0);
    expect(r.summary?.token_mismatches).toBe(0);
    const rows = readFileSync(join(out, 'service_times.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('service_us,vertex');
    expect(rows.length - 1).toBe(1500);
    // each line slept its 0.5 ms draw inside the worker, so each timing is at least that
    expect(rows.slice(1).every((l) => Number(l.split(',')[0]) >= 500 && l.endsWith(',tokenizer'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  }, 240_000);
});
