// Opens the HTML report in Debian's headless Chromium: it must render without errors and without fetching anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { loadReport } from '../../src/report/build-report.js';
import { renderHtml } from '../../src/report/html.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { fixtureProject } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

describe('HTML report in a real browser', () => {
  let browser: Browser;
  let file: string;
  let prodFile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does, to run the HTML report test`,
      );
    }
    const cwd = await fixtureProject();
    file = path.join(cwd, 'report.html');
    // The project's own prod report has the longest names (SecondaryFailoverRecord, …) and three AZs.
    prodFile = path.join(cwd, 'prod.html');
    await writeFile(prodFile, renderHtml(await loadReport(PROJECT_ROOT, 'prod')), 'utf8');
    const r = await runCli(['report', '--html', 'report.html', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    await browser?.close();
  });

  it('is one self-contained file: no scripts, no stylesheets or images from elsewhere', async () => {
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/(src|href)="(?!https:\/\/(docs\.aws\.amazon\.com|aws\.amazon\.com)\/)[a-z]+:/i);
  });

  it('renders without console or page errors, with the diagram of both regions and the RTO table', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    const svg = page.locator('svg#architecture');
    await expect(svg.count()).resolves.toBe(1);
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(300);
    const regions = await page
      .locator('svg#architecture text.region')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-region')));
    expect(regions).toEqual(['us-east-1', 'us-west-2']);
    const edges = await page
      .locator('svg#architecture g.edge')
      .evaluateAll((els) => els.map((e) => e.getAttribute('class')));
    expect(edges.filter((c) => c?.includes('replication')).length).toBe(3);
    expect(edges.filter((c) => c?.includes('failover')).length).toBeGreaterThanOrEqual(2);

    const paths = await page.locator('section.path').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    await expect(page.locator('section.recovery-path').getAttribute('data-recovery-path')).resolves.toBe(
      'logical-corruption',
    );
    expect(paths).toEqual(['traffic', 'order-writes', 'reference-data-writes', 'capacity']);
    // Four terms and the total row.
    const trafficRows = await page.locator('section[data-path="traffic"] table.rto tbody tr').count();
    expect(trafficRows).toBe(5);
    await expect(page.locator('section[data-path="traffic"] h3').innerText()).resolves.toMatch(
      /216 s worst case vs 300 s/,
    );
    await expect(page.locator('table.rto-summary tbody tr').count()).resolves.toBe(4);
    await expect(page.locator('table.rpo tbody tr').count()).resolves.toBe(3);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('opens with one verdict line per objective, above the diagram and within the first screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const verdicts = page.locator('#verdicts p.verdict');
    await expect(verdicts.evaluateAll((els) => els.map((e) => e.getAttribute('data-objective')))).resolves.toEqual([
      'rto',
      'rpo',
    ]);
    await expect(verdicts.first().innerText()).resolves.toMatch(/^RTO ≤ 300 s: MISSED by 2 of 4 recovery paths/);
    const first = (await verdicts.first().boundingBox())!;
    const last = (await verdicts.last().boundingBox())!;
    const diagram = (await page.locator('svg#architecture').boundingBox())!;
    expect(last.y + last.height).toBeLessThanOrEqual(diagram.y);
    expect(first.y + first.height).toBeLessThan(900);
    await page.close();
  });

  it.each(['fixture', 'project prod'])(
    'lays the %s diagram out legibly: no two boxes overlap, every label fits its box, nothing falls outside the picture',
    async (which) => {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      await page.goto(pathToFileURL(which === 'fixture' ? file : prodFile).href, { waitUntil: 'load' });
      const layout = await page.locator('svg#architecture').evaluate((svg) => {
        const view = (svg as unknown as { viewBox: { baseVal: { width: number; height: number } } }).viewBox.baseVal;
        type Boxed = { getBBox(): { x: number; y: number; width: number; height: number } };
        const nodes = [...svg.querySelectorAll('g.node')].map((g) => {
          const r = (g.querySelector('rect') as unknown as Boxed).getBBox();
          const texts = [...g.querySelectorAll('text')].map((t) => (t as unknown as Boxed).getBBox());
          return {
            id: g.getAttribute('data-id'),
            r: { x: r.x, y: r.y, w: r.width, h: r.height },
            texts: texts.map((t) => ({ x: t.x, y: t.y, w: t.width, h: t.height })),
          };
        });
        return { view: { w: view.width, h: view.height }, nodes };
      });
      expect(layout.nodes.length).toBeGreaterThan(10);
      const overlaps: string[] = [];
      layout.nodes.forEach((a, i) =>
        layout.nodes.slice(i + 1).forEach((b) => {
          if (a.r.x < b.r.x + b.r.w && b.r.x < a.r.x + a.r.w && a.r.y < b.r.y + b.r.h && b.r.y < a.r.y + a.r.h)
            overlaps.push(`${a.id} × ${b.id}`);
        }),
      );
      expect(overlaps).toEqual([]);
      for (const n of layout.nodes) {
        expect(n.r.x + n.r.w, `${n.id} inside the picture`).toBeLessThanOrEqual(layout.view.w);
        expect(n.r.y + n.r.h, `${n.id} inside the picture`).toBeLessThanOrEqual(layout.view.h);
        for (const t of n.texts) {
          expect(t.x >= n.r.x && t.x + t.w <= n.r.x + n.r.w, `label of ${n.id} fits its box`).toBe(true);
          expect(t.y >= n.r.y && t.y + t.h <= n.r.y + n.r.h, `label of ${n.id} fits its box vertically`).toBe(true);
        }
      }
      await page.close();
    },
  );
});
