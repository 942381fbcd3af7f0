import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** Write a file so that readers never see it half-written: write a sibling temp file, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Build an output directory in a hidden staging directory and move it into place only when complete,
 * so a failed run leaves nothing half-written behind. An existing directory at `finalDir` is replaced.
 */
export async function withStagedDir<T>(finalDir: string, build: (stagingDir: string) => Promise<T> | T): Promise<T> {
  const parent = dirname(finalDir);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(finalDir)}.${process.pid}.staging`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const result = await build(staging);
    if (existsSync(finalDir)) rmSync(finalDir, { recursive: true, force: true });
    renameSync(staging, finalDir);
    return result;
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
