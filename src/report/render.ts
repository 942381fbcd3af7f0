/**
 * Rendering Vega-Lite specs headless: compile with vega-lite, run a vega View with no renderer and ask it for
 * SVG; rasterise the SVG with resvg (Rust, prebuilt, no browser, no native build). See docs/REPORTS.md.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT } from './specs/common.js';

export interface Compiled {
  spec: vega.Spec;
  /** Warnings vega-lite logged while compiling (an empty list for a well-formed spec). */
  warnings: string[];
}

/** Compile a Vega-Lite spec to Vega, collecting vega-lite's warnings instead of printing them. */
export function compileSpec(spec: TopLevelSpec): Compiled {
  const warnings: string[] = [];
  const logger: vega.LoggerInterface = {
    level(_?: number) {
      return this as never;
    },
    error(...args: readonly unknown[]) {
      warnings.push(`error: ${args.map(String).join(' ')}`);
      return this as never;
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(' '));
      return this as never;
    },
    info() {
      return this as never;
    },
    debug() {
      return this as never;
    },
  } as vega.LoggerInterface;
  const out = compile(spec, { logger });
  return { spec: out.spec, warnings };
}

/** Layers named with this prefix only serve pointer interaction (hover points); static renderings drop them. */
export const HOVER_LAYER_PREFIX = 'hover_';

/**
 * A copy of a spec without its hover-only layers: in a static SVG they carry no ink, but would still write an
 * invisible symbol per data point (and a voronoi cell each) into the file.
 */
export function staticSpec<T>(spec: T): T {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'data' || k === 'datasets') {
        out[k] = v; // data values are left as they are (and not copied)
      } else if (k === 'layer' && Array.isArray(v)) {
        out[k] = v
          .filter((l) => !(typeof l === 'object' && l !== null && String((l as { name?: unknown }).name ?? '').startsWith(HOVER_LAYER_PREFIX)))
          .map(strip);
      } else {
        out[k] = strip(v);
      }
    }
    return out;
  };
  return strip(spec) as T;
}

/** Render a Vega-Lite spec to an SVG document (no browser, no canvas; text widths are estimated). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vg } = compileSpec(staticSpec(spec));
  // A loader that refuses everything: report specs carry their data inline and must never fetch.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`chart tried to load ${uri}; report data must be inline`);
  };
  const view = new vega.View(vega.parse(vg), { renderer: 'none', loader, logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density: 2 (default) renders at twice the SVG's size, crisp on high-DPI screens and in slides. */
  scale?: number;
}

/** Rasterise an SVG to PNG with resvg, using the system fonts and DejaVu Sans when a family is missing. */
export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: FONT,
      sansSerifFamily: FONT,
    },
    textRendering: 1,
    shapeRendering: 2,
  });
  return resvg.render().asPng();
}
