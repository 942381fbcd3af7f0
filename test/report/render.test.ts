import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg, staticSpec, svgToPng } from '../../src/report/render.js';
import { loadCdf, loadRun, loadSweep } from '../../src/report/inputs.js';
import { runCharts, sweepCharts } from '../../src/report/charts.js';
import { sweepCdfCurves } from '../../src/report/index.js';
import { traceSpec } from '../../src/report/specs/trace.js';
import { FIXTURES, PNG_SIGNATURE, pngSize } from './helpers.js';

const run = loadRun(join(FIXTURES, 'run'));
const sweep = loadSweep(join(FIXTURES, 'sweep'));
const curves = sweepCdfCurves(join(FIXTURES, 'sweep'), sweep.rows);

const charts: [string, TopLevelSpec][] = [
  ...runCharts([run]).map((c): [string, TopLevelSpec] => [c.name, c.spec]),
  ...sweepCharts(sweep, curves).map((c): [string, TopLevelSpec] => [`sweep ${c.name}`, c.spec]),
  ['trace', traceSpec({ tS: [0, 20, 35], rate: [2000, 8000, 2000] }, { endS: 60 })],
];

function titleOf(spec: TopLevelSpec): string {
  const t = (spec as { title?: string | { text: string } }).title;
  return typeof t === 'string' ? t : (t as { text: string }).text;
}

describe('renderSvg', () => {
  it.each(charts)('%s: a non-empty SVG with its title, axis titles and marks', async (_name, spec) => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.length).toBeGreaterThan(3000);
    expect(svg).toContain(`>${titleOf(spec)}</text>`);
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).toMatch(/role-axis-title/);
    expect(svg).toMatch(/<path[^>]*aria-roledescription="(line|area|point|rule|text) mark"|aria-roledescription="(point|area|line)"/);
    expect(svg).not.toContain('NaN');
  });

  it('leaves the hover-only layers out of static SVGs', async () => {
    const spec = runCharts([run])[0].spec;
    expect(JSON.stringify(spec)).toContain('"name":"hover_');
    expect(JSON.stringify(staticSpec(spec))).not.toContain('"name":"hover_');
    const svg = await renderSvg(spec);
    expect(svg).not.toContain('opacity="0"');
  });
});

describe('svgToPng', () => {
  it('renders a PNG at twice the SVG size, with text drawn', async () => {
    const spec = runCharts([run])[0].spec;
    const svg = await renderSvg(spec);
    const [, w, h] = svg.match(/^<svg[^>]* width="(\d+)" height="(\d+)"/) as RegExpMatchArray;
    const png = svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 2 * Number(w), height: 2 * Number(h) });
    expect(Number(w)).toBeGreaterThan(700);
    expect(Number(w)).toBeLessThan(1400);
    expect(Number(h)).toBeGreaterThan(250);
    // Text rendered: the same chart without any text has noticeably fewer dark pixels... measured by size.
    const noText = svgToPng(svg.replace(/<text[^>]*>[^<]*<\/text>/g, ''));
    expect(png.length).toBeGreaterThan(noText.length * 1.15);
  });
  it('honours the scale option', async () => {
    const svg = await renderSvg(traceSpec({ tS: [0, 1], rate: [1, 2] }));
    const one = pngSize(svgToPng(svg, { scale: 1 }));
    const three = pngSize(svgToPng(svg, { scale: 3 }));
    expect(three.width).toBe(one.width * 3);
  });
});
