import { cpSync, writeFileSync } from 'node:fs';
import { OUTPUT_MARKER } from '../../src/util/output.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A private copy of a fixture directory (run, compare, sweep) to write a report into; removed after the file's tests. */
export function copyFixture(name: 'run' | 'compare' | 'sweep'): string {
  const parent = tempDir('spillway-report-');
  const dir = join(parent, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  // As if Spillway wrote it: `spillway report` writes only into its own folders.
  writeFileSync(join(dir, OUTPUT_MARKER), 'written by spillway\n');
  return dir;
}

/** Width and height of a PNG from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
