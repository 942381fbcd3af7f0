/**
 * The one way Spillway writes what the user asked for (run folders, sweeps, reports, traces, models, charts,
 * bundles). It writes only into a folder it creates or one it wrote before (a `.spillway-output` marker says
 * so), replaces its own earlier output atomically (built beside, then renamed into place), and refuses — one
 * line, exit 2, before anything is created — an existing file it did not write, a folder it did not write, the
 * current folder or one of its parents, and a path whose parent is not a writable folder. It never creates
 * missing parent folders, except `out/` under the current folder for its own default paths.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from './errors.js';
import { holdForTest } from './test-hold.js';

/** The file inside every folder Spillway writes; its presence makes the folder Spillway's to replace. */
export const OUTPUT_MARKER = '.spillway-output';

/** System file systems: writing there never means what the user wants, and recursive mkdir may not return. */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

function refuse(flag: string, path: string, what: string): never {
  throw new UserError(`${flag} ${path}: ${what}`);
}

function statOrNull(path: string, flag: string, shown: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') refuse(flag, shown, `${dirname(path)} is not a folder`);
    refuse(flag, shown, `cannot be inspected (${code ?? 'error'})`);
  }
}

/** The checks every output path passes, file or folder: not a system path, not cwd or above, parent a writable folder. */
function checkPlace(path: string, flag: string, shown: string, opts: { defaultPath?: boolean }): string {
  const abs = resolve(path);
  if (SYSTEM_ROOTS.some((r) => abs === r || abs.startsWith(r + sep))) refuse(flag, shown, 'is on a system file system (/proc, /sys, /dev); choose a folder of your own');
  const cwd = process.cwd();
  if (abs === cwd || cwd.startsWith(abs.endsWith(sep) ? abs : abs + sep)) refuse(flag, shown, 'is the current folder or one of its parents; choose a new folder');
  const parent = dirname(abs);
  if (opts.defaultPath) ensureDefaultParents(parent, cwd);
  const ps = statOrNull(parent, flag, shown);
  if (!ps) refuse(flag, shown, `the folder ${relativeShown(parent)} does not exist (Spillway does not create missing parent folders)`);
  if (!ps.isDirectory()) refuse(flag, shown, `${relativeShown(parent)} is not a folder`);
  try {
    accessSync(parent, constants.W_OK);
  } catch {
    refuse(flag, shown, `the folder ${relativeShown(parent)} is not writable`);
  }
  return abs;
}

/** Spillway's own default paths live under ./out; create those folders (and only those) when missing. */
function ensureDefaultParents(parent: string, cwd: string): void {
  const parts = relative(cwd, parent).split(sep);
  if (parts[0] !== 'out') return;
  let at = cwd;
  for (const part of parts) {
    at = join(at, part);
    if (existsSync(at)) continue;
    mkdirSync(at);
    writeFileSync(join(at, OUTPUT_MARKER), 'written by spillway\n');
  }
}

function relativeShown(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

function isOwnFolder(abs: string): boolean {
  return existsSync(join(abs, OUTPUT_MARKER));
}

export interface OutputDirCheck {
  abs: string;
  /** What is there now: nothing, an empty folder, or a folder Spillway wrote. */
  state: 'none' | 'empty' | 'own';
}

/** Check a folder output path, creating nothing (beyond ./out for default paths). */
export function checkOutputDir(path: string, flag = '--out', opts: { defaultPath?: boolean } = {}): OutputDirCheck {
  const abs = checkPlace(path, flag, path, opts);
  const st = statOrNull(abs, flag, path);
  if (!st) return { abs, state: 'none' };
  if (!st.isDirectory()) refuse(flag, path, 'is an existing file; Spillway writes a folder here and replaces no file it did not write');
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch (err) {
    refuse(flag, path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (entries.length === 0) return { abs, state: 'empty' };
  if (entries.includes(OUTPUT_MARKER)) return { abs, state: 'own' };
  refuse(flag, path, `is a folder Spillway did not write (no ${OUTPUT_MARKER} in it); choose a new or empty folder`);
}

/**
 * A folder Spillway wrote, or a run folder inside one (a comparison's or a validation's runs), for commands
 * that add to it, like `report`.
 */
export function requireOwnDir(path: string, flag: string): string {
  const abs = resolve(path);
  const st = statOrNull(abs, flag, path);
  if (!st || !st.isDirectory()) refuse(flag, path, 'is not a folder');
  if (!isOwnFolder(abs) && !isOwnFolder(dirname(abs))) refuse(flag, path, `is a folder Spillway did not write (no ${OUTPUT_MARKER} in it); it writes only into its own folders`);
  return abs;
}

/**
 * Claim a folder that is written in place and grows over time (a resumable sweep, a validation run): check it,
 * create it if missing, and mark it as Spillway's.
 */
export function claimOutputDir(path: string, flag = '--out', opts: { defaultPath?: boolean } = {}): string {
  const { abs, state } = checkOutputDir(path, flag, opts);
  if (state === 'none') mkdirOrRefuse(abs, flag, path);
  if (state !== 'own') writeFileSync(join(abs, OUTPUT_MARKER), 'written by spillway\n');
  return abs;
}

function mkdirOrRefuse(abs: string, flag: string, shown: string): void {
  try {
    mkdirSync(abs);
  } catch (err) {
    refuse(flag, shown, `cannot be created (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Build a folder output beside its final place and move it there when complete: an interrupted or failed run
 * leaves the earlier output as it was and nothing half-written. Returns the absolute path.
 */
export async function writeOutputDir<T>(
  path: string,
  build: (stagingDir: string) => Promise<T> | T,
  opts: { flag?: string; defaultPath?: boolean } = {},
): Promise<{ abs: string; result: T }> {
  const flag = opts.flag ?? '--out';
  const { abs, state } = checkOutputDir(path, flag, opts);
  const staging = join(dirname(abs), `.${basename(abs)}.${process.pid}.staging`);
  removeStale(dirname(abs), basename(abs));
  // Armed before the staging copy exists: a Ctrl-C from then on always finds the handler (seen in .ci/run: a
  // signal between mkdir and arming ended the process by default, exit code null).
  const release = removeOnSignal(staging);
  try {
    mkdirOrRefuse(staging, flag, path);
    writeFileSync(join(staging, OUTPUT_MARKER), 'written by spillway\n');
    const result = await build(staging);
    await holdForTest('staging');
    await letSignalsIn();
    swapInto(staging, abs, state);
    return { abs, result };
  } finally {
    release();
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Replace `abs` by `staging`: move the old output aside, move the new one in, then delete the old one. */
function swapInto(staging: string, abs: string, state: OutputDirCheck['state']): void {
  if (state === 'none') {
    renameSync(staging, abs);
    return;
  }
  const old = join(dirname(abs), `.${basename(abs)}.${process.pid}.old`);
  renameSync(abs, old);
  renameSync(staging, abs);
  rmSync(old, { recursive: true, force: true });
}

/** Staging or old copies left by a process that was killed outright (SIGKILL, power loss). */
function removeStale(parent: string, base: string): void {
  const re = new RegExp(`^\\.${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.(staging|old|tmp)$`);
  for (const name of readdirSync(parent)) {
    const m = re.exec(name);
    if (m && !processAlive(Number(m[1]))) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Two turns of the event loop, so at least one I/O poll: a Ctrl-C that arrived while a build kept the loop busy
 * (report rendering is mostly synchronous) reaches its handler now. Without this the handler is released first
 * and Node drops the pending signal: the Ctrl-C is ignored and the run completes with exit 0.
 */
async function letSignalsIn(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((r) => setImmediate(r));
}

/** On Ctrl-C or SIGTERM while staging: delete the staging copy, then exit as the signal would have (130/143). */
function removeOnSignal(path: string): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    rmSync(path, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  // Only when nobody else handles the signal: a sweep has its own graceful stop.
  const armed = (['SIGINT', 'SIGTERM'] as const).filter((s) => process.listenerCount(s) === 0);
  for (const s of armed) process.on(s, handler);
  return () => {
    for (const s of armed) process.off(s, handler);
  };
}

/**
 * Check a single-file output: refused if it is a folder, or an existing file neither in a folder Spillway wrote
 * nor recognised by `isOwn` (a trace with Spillway's provenance header, say). Creates nothing but ./out folders
 * for default paths.
 */
export function checkOutputFile(path: string, flag: string, opts: { defaultPath?: boolean; isOwn?: (abs: string) => boolean } = {}): string {
  const abs = checkPlace(path, flag, path, opts);
  const st = statOrNull(abs, flag, path);
  if (!st) return abs;
  if (st.isDirectory()) refuse(flag, path, 'is a folder; name a file');
  if (!st.isFile()) refuse(flag, path, 'is not a regular file');
  if (isOwnFolder(dirname(abs)) || opts.isOwn?.(abs)) return abs;
  refuse(flag, path, 'is an existing file Spillway did not write; choose a new name (nothing was written)');
}

/**
 * Write a file so that readers never see it half-written: a sibling temp file renamed into place, removed on
 * failure or Ctrl-C. The folder must exist (user paths pass checkOutputFile first).
 */
export function writeFileAtomic(abs: string, data: string | Uint8Array): void {
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  const release = removeOnSignal(tmp);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, abs);
  } finally {
    release();
    rmSync(tmp, { force: true });
  }
}

/** The first `n` bytes of a file as latin1 text ('' when unreadable): enough to recognise Spillway's own header. */
export function fileHead(abs: string, n = 256): string {
  try {
    const fd = openSync(abs, 'r');
    try {
      const buf = Buffer.alloc(n);
      const got = readSync(fd, buf, 0, n, 0);
      return buf.subarray(0, got).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * Replace a subfolder of an output Spillway owns (charts/ of a run folder) as a whole: built in a hidden
 * sibling, swapped in when complete.
 */
export async function replaceSubdir<T>(finalDir: string, build: (stagingDir: string) => Promise<T> | T): Promise<T> {
  const staging = join(dirname(finalDir), `.${basename(finalDir)}.${process.pid}.staging`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const release = removeOnSignal(staging);
  try {
    const result = await build(staging);
    await letSignalsIn();
    swapInto(staging, finalDir, existsSync(finalDir) ? 'own' : 'none');
    return result;
  } finally {
    release();
    rmSync(staging, { recursive: true, force: true });
  }
}
