/**
 * Opens each fixture's report.html in headless Chromium (Debian's, via playwright-core) and checks that every
 * chart rendered with marks, that tooltips and zoom work, that nothing was logged as an error and that the page
 * asked the network for nothing. Saves a screenshot of each page to out/screenshots/.
 *
 * Needs: apt-get install -y chromium fonts-dejavu-core. Run: npm run test:browser
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { writeReport } from '../../src/report/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'test', 'report', 'fixtures');
const SCREENSHOTS = join(ROOT, 'out', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const EXPECTED: Record<string, string[]> = {
  run: ['rates', 'pending', 'latency', 'functions', 'cost', 'latency_cdf', 'vertices'],
  compare: ['rates', 'pending', 'latency', 'functions', 'cost', 'latency_cdf', 'vertices', 'cost_p99'],
  sweep: ['pareto', 'latency_cdf'],
};

let context: BrowserContext;
let work: string;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium fonts-dejavu-core (or set CHROMIUM_PATH)`);
  work = mkdtempSync(join(tmpdir(), 'spillway-report-e2e-'));
  profile = mkdtempSync(join(tmpdir(), 'spillway-chromium-profile-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.each(Object.keys(EXPECTED))('%s report in Chromium', (kind) => {
  it('renders every chart, with no console error and no network request', async () => {
    const dir = join(work, kind);
    cpSync(join(FIXTURES, kind), dir, { recursive: true });
    await writeReport(dir, { png: false, perRun: false });
    const url = pathToFileURL(join(dir, 'report.html')).href;

    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      const u = req.url();
      if (u !== url && !u.startsWith('data:') && !u.startsWith('blob:')) requests.push(u);
    });
    // Belt and braces: anything that does try the network fails loudly instead of reaching it.
    await page.route(/^(https?|wss?|ftp):/, (route) => {
      requests.push(route.request().url());
      return route.abort();
    });

    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts-done="true"]', { timeout: 60_000 });

    const found = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const vis = f.querySelector('.vis') as HTMLElement;
        const svg = vis.querySelector('svg');
        const canvas = vis.querySelector('canvas');
        const marks = svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > rect, g.role-mark > line, g.role-mark > text, g.role-mark > g').length : 0;
        return {
          name: f.getAttribute('data-chart'),
          rendered: vis.getAttribute('data-rendered'),
          hasGraphic: Boolean(svg ?? canvas),
          marks,
          width: (svg ?? canvas)?.getBoundingClientRect().width ?? 0,
          title: svg?.querySelector('.role-title-text text')?.textContent ?? '',
        };
      }),
    );
    expect(found.map((c) => c.name)).toEqual(EXPECTED[kind]);
    for (const c of found) {
      expect(c, `chart ${c.name}`).toMatchObject({ rendered: 'true', hasGraphic: true });
      expect(c.marks, `marks in chart ${c.name}`).toBeGreaterThan(0);
      expect(c.width, `width of chart ${c.name}`).toBeGreaterThan(400);
      expect(c.title, `title of chart ${c.name}`).not.toBe('');
    }

    await page.screenshot({ path: join(SCREENSHOTS, `report-${kind}.png`), fullPage: true });

    if (kind !== 'sweep') {
      // Zero-loss check and summary are on the page.
      expect(await page.textContent('#zero-loss')).toContain('Zero loss: PASS');
      // Tooltips: hover the middle of the rates chart; vega-tooltip shows the nearest point.
      await page.locator('#chart-rates').scrollIntoViewIfNeeded();
      const plot = await page.locator('#chart-rates .vis svg g.mark-group.role-scope').first().boundingBox();
      expect(plot).not.toBeNull();
      const box = plot as { x: number; y: number; width: number; height: number };
      // Enter the plot, then move inside it: vega-tooltip shows on pointermove over an item.
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5, { steps: 4 });
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5, { steps: 4 });
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: 10_000 });
      expect(await page.textContent('#vg-tooltip-element')).toMatch(/time \(s\)/);
      // Zoom on the time axis: the wheel changes the x-axis labels.
      const labels = () => page.$$eval('#chart-rates .vis svg .role-axis-label text', (ts) => ts.map((t) => t.textContent).join('|'));
      const before = await labels();
      await page.mouse.wheel(0, -400);
      await page.waitForFunction((b) => {
        const now = [...document.querySelectorAll('#chart-rates .vis svg .role-axis-label text')].map((t) => t.textContent).join('|');
        return now !== b;
      }, before, { timeout: 10_000 });
      await page.mouse.move(5, 5);
    } else {
      expect(await page.locator('#ranking-table tr[data-row]').count()).toBe(10);
    }

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
