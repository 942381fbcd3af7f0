// The layering rules of docs/ARCHITECTURE.md, read from the code's own import lines: a folder of src/ may import
// only folders on a lower layer (or itself), no two files may import each other in a circle, and a module may be
// loaded by a computed specifier only where the specifier names a user's file. Known breaches are listed by name
// and must shrink, never grow: a new one fails here, and a listed one that is gone fails too (so the list stays true).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** Layer of each folder of src/: an import must go to a strictly lower layer, or stay in its own folder. */
export const LAYERS: Record<string, number> = {
  util: 0,
  engine: 1,
  cluster: 2,
  functions: 2,
  policy: 2,
  scenario: 2,
  serverless: 2,
  workload: 2,
  control: 3,
  endpoint: 3,
  metrics: 3,
  dataflow: 4,
  report: 4,
  offload: 5,
  experiment: 6,
  calibrate: 7,
  live: 8,
  cli: 9,
};

/** Breaches that stand today, each with the work that removes it. */
const KNOWN_UPWARD = new Set<string>([]);
const KNOWN_CIRCLES = new Set<string>([]);
/** Computed specifiers that load a user's file or a module chosen at run time on purpose. */
const KNOWN_COMPUTED = new Set([
  'src/policy/loader.ts', // a user's own policy module
  'src/experiment/sweep/runner-adapter.ts', // the worker thread's runner, swappable in tests
]);

interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

const STATIC = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC_LITERAL = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
const DYNAMIC_COMPUTED = /\bimport\(\s*[^'"\s)]/;

function resolveTs(from: string, spec: string): string {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, '.ts');
}

function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [STATIC, SIDE_EFFECT, DYNAMIC_LITERAL].flatMap((rx) => [...text.matchAll(rx)].map((m) => m[1]!));
  return specs.filter((s) => s.startsWith('.')).map((s) => ({ from: file, to: resolveTs(file, s) }));
}

function folderOf(file: string): string {
  return relative('src', file).split('/')[0]!;
}

const files = sourceFiles('src');
const edges = files.flatMap(edgesOf);

describe('import layering (docs/ARCHITECTURE.md)', () => {
  it('every folder of src/ has a layer', () => {
    const folders = new Set(files.map(folderOf).filter((f) => !f.endsWith('.ts')));
    expect([...folders].filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('no import runs up a layer or sideways into another folder, except the listed breaches', () => {
    const breaches = edges
      .filter((e) => folderOf(e.from) !== folderOf(e.to))
      .filter((e) => LAYERS[folderOf(e.to)]! >= LAYERS[folderOf(e.from)]!)
      .map((e) => `${e.from} -> ${e.to}`);
    expect([...new Set(breaches)].sort()).toEqual([...KNOWN_UPWARD].sort());
  });

  it('no two files import each other, except the listed circles', () => {
    const set = new Set(edges.map((e) => `${e.from} -> ${e.to}`));
    const circles = edges
      .filter((e) => e.from < e.to && set.has(`${e.to} -> ${e.from}`))
      .map((e) => `${e.from} <-> ${e.to}`);
    expect([...new Set(circles)].sort()).toEqual([...KNOWN_CIRCLES].sort());
  });

  it('modules are loaded by a computed specifier only where listed', () => {
    const computed = files.filter((f) => DYNAMIC_COMPUTED.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(computed.sort()).toEqual([...KNOWN_COMPUTED].sort());
  });

  it('the policy layer imports nothing but its own files and util/', () => {
    const out = edges.filter((e) => folderOf(e.from) === 'policy' && !['policy', 'util'].includes(folderOf(e.to)));
    expect(out).toEqual([]);
  });
});

describe('the CLI starts from a production install (npm ci --omit=dev)', () => {
  it('src/ imports packages statically only from dependencies; dev dependencies only by import() where they are used', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
    const staticPackages = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return [STATIC, SIDE_EFFECT]
        .flatMap((rx) => [...text.matchAll(rx)].map((m) => m[1]!))
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
        .map((s) => `${file}: ${packageOf(s)}`);
    });
    const typeOnly = (entry: string): boolean => {
      const [file, name] = entry.split(': ') as [string, string];
      return new RegExp(`import\\s+type\\s[^;]*?from\\s*['"]${name}['"]`).test(readFileSync(join(ROOT, file), 'utf8'));
    };
    expect(staticPackages.filter((e) => !(e.split(': ')[1]! in pkg.dependencies) && !typeOnly(e))).toEqual([]);
  });
});
