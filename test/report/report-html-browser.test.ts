// Opens the HTML report in Debian's headless Chromium: it must render without errors and without fetching anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { fixtureProject, runCliIn } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';

describe('HTML report in a real browser', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does, to run the HTML report test`);
    }
    const cwd = await fixtureProject();
    file = path.join(cwd, 'report.html');
    const r = runCliIn(cwd, ['report', '--html', 'report.html', '--json']);
    expect(r.code, r.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
    const regions = await page.locator('svg#architecture text.region').evaluateAll((els) => els.map((e) => e.getAttribute('data-region')));
    expect(regions).toEqual(['us-east-1', 'us-west-2']);
    const edges = await page.locator('svg#architecture g.edge').evaluateAll((els) => els.map((e) => e.getAttribute('class')));
    expect(edges.filter((c) => c?.includes('replication')).length).toBe(3);
    expect(edges.filter((c) => c?.includes('failover')).length).toBeGreaterThanOrEqual(2);

    const paths = await page.locator('section.path').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    expect(paths).toEqual(['traffic', 'order-writes', 'reference-data-writes', 'capacity']);
    const trafficRows = await page.locator('section[data-path="traffic"] table.rto tbody tr').count();
    expect(trafficRows).toBe(4);
    await expect(page.locator('section[data-path="traffic"] h3').innerText()).resolves.toMatch(/210 s worst case vs 300 s/);
    await expect(page.locator('table.rpo tbody tr').count()).resolves.toBe(3);

    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
