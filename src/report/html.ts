/**
 * The self-contained report.html: vega, vega-lite and vega-embed (their browser builds) inlined from
 * node_modules, the chart specs embedded as JSON, the summary and ranking tables as plain HTML.
 * The page makes no network request: a Content-Security-Policy forbids every fetch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';

export interface ChartEntry {
  /** File stem under charts/ and the id of its container (`chart-<name>`). */
  name: string;
  /** Heading above the chart. */
  heading: string;
  /** The question the chart answers, shown under it. */
  question: string;
  spec: TopLevelSpec;
}

export interface ReportPage {
  title: string;
  /** Short lines under the title (scenario, policy, ...). */
  subtitle: string[];
  /** Ready-made HTML sections placed before the charts (zero-loss banner, tables). */
  sections: string[];
  charts: ChartEntry[];
  /** Link the static files under charts/ (PNG only when they were written). */
  staticLinks: { svg: boolean; png: boolean };
  /** HTML sections placed after the charts. */
  after?: string[];
}

/** The browser (UMD) builds, in load order: vega-lite and vega-embed expect the globals before them. */
const BROWSER_BUILDS = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** node_modules/<name> in this file's directory or the nearest ancestor that has it (works from src/ and dist/). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package in any node_modules above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let cachedLibs: string | undefined;

/** The three libraries as inline <script> elements, safe to embed in HTML. */
export function inlineLibraries(): string {
  if (cachedLibs !== undefined) return cachedLibs;
  cachedLibs = BROWSER_BUILDS.map(([pkg, file]) => {
    const version = (JSON.parse(readFileSync(join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string }).version;
    const code = readFileSync(join(packageDir(pkg), file), 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
      .replace(/<\/(script)/gi, '<\\/$1')
      .replace(/<!--/g, '<\\!--');
    return `<script data-lib="${pkg}@${version}">\n${code}\n</script>`;
  }).join('\n');
  return cachedLibs;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON that can sit inside a <script> element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSP = [
  "default-src 'none'",
  // vega compiles its expressions with Function(): 'unsafe-eval'; everything is inline: 'unsafe-inline'.
  "script-src 'unsafe-inline' 'unsafe-eval'",
  "style-src 'unsafe-inline'",
  'img-src data: blob:',
  "connect-src 'none'",
].join('; ');

const STYLE = `
:root { --fg:#1d1d1d; --muted:#5c5c5c; --line:#e3e3e3; --pass:#1a7f37; --fail:#c62828; --warn:#9a6700; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; padding: 24px 32px 48px; max-width: 1320px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 4px; }
.subtitle { color: var(--muted); margin: 0; }
.banner { margin: 18px 0; padding: 12px 16px; border-radius: 6px; font-size: 17px; font-weight: bold; border: 2px solid; }
.banner.pass { color: var(--pass); border-color: var(--pass); background: #eef8f0; }
.banner.fail { color: var(--fail); border-color: var(--fail); background: #fdeeee; }
.banner.warn { color: var(--warn); border-color: var(--warn); background: #fff8e5; }
.banner .detail { display: block; font-weight: normal; font-size: 14px; margin-top: 2px; color: var(--fg); }
table { border-collapse: collapse; font-size: 13.5px; margin: 8px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; white-space: nowrap; }
td.wrap { white-space: normal; min-width: 10em; }
th { background: #f6f6f6; font-weight: 600; }
td.k, th.k { text-align: left; }
tr.group td { background: #fafafa; font-weight: 600; text-align: left; color: var(--muted); }
td.pass { color: var(--pass); font-weight: bold; } td.fail { color: var(--fail); font-weight: bold; } td.warn { color: var(--warn); font-weight: bold; }
tr.pareto td { background: #fff4f4; }
.table-wrap { overflow-x: auto; }
figure.chart { margin: 20px 0 8px; }
figure.chart .vis { min-height: 120px; }
figure.chart figcaption { color: var(--muted); font-size: 13.5px; margin-top: 2px; }
figure.chart figcaption a { color: var(--muted); margin-left: 6px; }
pre { background: #f6f6f6; padding: 8px 12px; font-size: 12.5px; overflow-x: auto; }
.hint { color: var(--muted); font-size: 13px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('spillway-specs').textContent);
  var pending = Object.keys(specs).length;
  Object.keys(specs).forEach(function (name) {
    var el = document.querySelector('#chart-' + name + ' .vis');
    vegaEmbed(el, specs[name], {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      tooltip: { theme: 'light' },
      downloadFileName: name
    }).then(function () {
      el.setAttribute('data-rendered', 'true');
    }).catch(function (err) {
      el.setAttribute('data-rendered', 'error');
      el.textContent = 'This chart failed to render: ' + err;
      console.error('chart ' + name + ': ' + err);
    }).then(function () {
      if (--pending === 0) document.body.setAttribute('data-charts-done', 'true');
    });
  });
  if (pending === 0) document.body.setAttribute('data-charts-done', 'true');
})();
`;

export function chartFigure(c: ChartEntry, links: { svg: boolean; png: boolean }): string {
  const files = [
    links.svg ? `<a href="charts/${escapeHtml(c.name)}.svg">SVG</a>` : '',
    links.png ? `<a href="charts/${escapeHtml(c.name)}.png">PNG</a>` : '',
  ].join('');
  // The chart carries its own title; the heading names the figure for screen readers and the page outline.
  return `<figure class="chart" id="chart-${escapeHtml(c.name)}" data-chart="${escapeHtml(c.name)}" aria-label="${escapeHtml(c.heading)}">
<div class="vis"></div>
<figcaption>${escapeHtml(c.question)}${files}</figcaption>
</figure>`;
}

export function renderPage(page: ReportPage): string {
  const specs: Record<string, TopLevelSpec> = {};
  for (const c of page.charts) specs[c.name] = c.spec;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(page.title)}</h1>
${page.subtitle.map((s) => `<p class="subtitle">${escapeHtml(s)}</p>`).join('\n')}
</header>
${page.sections.join('\n')}
${page.charts.length > 0 ? `<h2>Charts</h2>\n<p class="hint">Hover for values; drag to pan and scroll to zoom (time axes, and both axes of the CDF and Pareto charts); double-click to reset.</p>` : ''}
${page.charts.map((c) => chartFigure(c, page.staticLinks)).join('\n')}
${(page.after ?? []).join('\n')}
<footer>Generated by Spillway. Self-contained: works offline, loads nothing from the network.</footer>
<script type="application/json" id="spillway-specs">${scriptJson(specs)}</script>
${inlineLibraries()}
<script>${BOOT}</script>
</body>
</html>
`;
}
