/**
 * The evolve report renders in a real headless browser (Debian's chromium, driven by playwright-core
 * through `executablePath`): the test takes a screenshot and asserts the charts and tables rendered
 * and that the page fetched nothing from the network.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectEvolutionReport } from '../../harness-core/src/aegis/pipeline/report-data.ts';
import { runEvolution } from '../../harness-core/src/aegis/pipeline/run-evolution.ts';
import { renderEvolveReport } from '../../harness-core/src/cli/evolve-report-html.ts';
import { composeFoundry } from '../../harness-core/src/cli/foundry-deps.ts';

const CHROMIUM = process.env.HARNESSX_CHROMIUM ?? '/usr/bin/chromium';
const root = join(import.meta.dirname, '..', '..');

describe.skipIf(!existsSync(CHROMIUM))(`report.html in headless Chromium (${CHROMIUM})`, () => {
  it('renders the score chart, the pass matrix and the gate decisions; the screenshot is written', async () => {
    const out = await mkdtemp(join(tmpdir(), 'harnessx-report-'));
    const { deps, baselineSpec } = await composeFoundry({
      projectPath: join(root, 'examples/projects/household.yaml'),
      out,
      fresh: true,
      env: {},
      signal: new AbortController().signal,
      emit: () => {},
    });
    const summary = await runEvolution(deps, { baselineSpec, maxCycles: 1, owner: 'report-test' });
    const html = renderEvolveReport({
      data: await collectEvolutionReport(deps, summary),
      generatedAt: new Date().toISOString(),
      modelDescription: 'simulated:harnessx-sim-small',
      simulated: true,
    });
    const reportPath = join(out, 'report.html');
    await writeFile(reportPath, html);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.goto(pathToFileURL(reportPath).href);
      const chart = await page.locator('#score-chart').boundingBox();
      expect(chart?.width).toBeGreaterThan(100);
      expect(chart?.height).toBeGreaterThan(100);
      expect(await page.locator('#score-chart circle').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('table.matrix td').count()).toBeGreaterThan(20);
      expect(await page.locator('details summary').count()).toBeGreaterThan(0);
      const screenshot = join(out, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await stat(screenshot)).size).toBeGreaterThan(20_000);
      expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
