/** Shared look and helpers of every Spillway chart. */
import type { TopLevelSpec } from 'vega-lite';

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** A font that exists on the CI image (fonts-dejavu-core) and in resvg's font database. */
export const FONT = 'DejaVu Sans';
export const WIDTH = 720;
export const HEIGHT = 240;

/** Chart-wide config: readable fonts, white background. */
export const CONFIG = {
  font: FONT,
  title: { fontSize: 16, anchor: 'start' as const, offset: 12, subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal' as const, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' as const, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 13 },
  view: { stroke: '#ddd' },
};

/** Top-level properties every spec starts with. */
export function base(title: string, subtitle?: string): Pick<TopLevelSpec, '$schema' | 'title' | 'background' | 'config' | 'padding'> {
  return {
    $schema: SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    background: 'white',
    padding: 8,
    config: CONFIG,
  };
}

/** JSON has no NaN: a missing value becomes null, which Vega-Lite treats as invalid and skips. */
export function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Scale-bound interval selection: drag to pan, wheel to zoom (the x axis only unless told). */
export function zoomParam(name: string, encodings: ('x' | 'y')[] = ['x']) {
  return { name, select: { type: 'interval' as const, encodings }, bind: 'scales' as const };
}

/** A field name used in Vega-Lite encodings; escape the characters Vega-Lite treats as path syntax. */
export function fieldRef(name: string): string {
  return name.replace(/([.[\]\\])/g, '\\$1');
}
