// summary.html of real offline FLUX runs, opened from disk in headless Chromium: every task
// is on the page, the DAG and the Gantt chart draw one shape per task, a transcript opens to
// its tool calls, a failed run leads with its failure, and the page makes no network
// request and logs no console error. Screenshots go to reports/browser-tests/ (CI artifact).
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/pipeline/index.js';
import { launchChromium, type Browser } from './chromium.js';
import { FLUX_TASKS, ROOT, runFlux, scratchDir } from './fluxRuns.js';

const SCREENSHOTS = path.join(ROOT, 'reports', 'browser-tests');

let scratch: string;
let passed: RunSummary;
let failed: RunSummary;
let browser: Browser;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  scratch = scratchDir();
  passed = await runFlux(scratch, 'passed');
  failed = await runFlux(scratch, 'failed', { rules: [{ task: 'T013', turn: 2, status: 400, errorType: 'invalid_request_error' }] });
  browser = await launchChromium();
  // Anything but the file itself is a request the page should not make: record it, refuse it.
  await browser.context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function open(summary: RunSummary): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(path.join(summary.runDir, 'summary.html')).href, { waitUntil: 'load' });
  return page;
}

describe('summary.html of the FLUX run, in Chromium', () => {
  it('was written by the run, self-contained and under 2 MB', () => {
    expect(passed.status).toBe('succeeded');
    expect(statSync(path.join(passed.runDir, 'summary.html')).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('shows every task, one DAG node and one Gantt row each, and the run cost', async () => {
    const page = await open(passed);
    const sections = await page.locator('section.task').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
    expect([...sections].sort()).toEqual([...FLUX_TASKS].sort());
    const dagNodes = await page.locator('svg.dag g.dag-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
    expect([...dagNodes].sort()).toEqual([...FLUX_TASKS].sort());
    const ganttRows = await page.locator('svg.gantt g.gantt-task').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
    expect([...ganttRows].sort()).toEqual([...FLUX_TASKS].sort());
    // Each Gantt bar is split into parts (model turns at least); the critical path is marked.
    for (const id of FLUX_TASKS) expect(await page.locator(`svg.gantt g.gantt-task[data-task="${id}"] rect.seg-model`).count(), id).toBeGreaterThan(0);
    expect(await page.locator('svg.gantt g.gantt-task.critical').count()).toBeGreaterThan(1);
    expect(await page.locator('#run-cost').textContent()).toMatch(/^\$\d+\.\d+$/);
    expect(await page.locator('#failure').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'flux-succeeded.png'), fullPage: false });
    await page.close();
  });

  it('expanding a transcript shows its tool calls, with inputs and collapsed results', async () => {
    const page = await open(passed);
    const section = page.locator('section.task[data-task="T013"]');
    const firstCall = section.locator('.tool-call').first();
    expect(await firstCall.isVisible()).toBe(false);
    await section.locator('details.transcript > summary').click();
    expect(await firstCall.isVisible()).toBe(true);
    expect(await section.locator('.tool-call .tool-name').allTextContents()).toContain('Write');
    expect(await section.locator('.tool-call .tool-input').first().textContent()).toContain('file_path');
    const result = section.locator('.tool-call details.tool-result').first();
    expect(await result.locator('pre').isVisible()).toBe(false);
    await result.locator('summary').click();
    expect(await result.locator('pre').isVisible()).toBe(true);
    await section.screenshot({ path: path.join(SCREENSHOTS, 'flux-T013-transcript.png') });
    await page.close();
  });

  it('a failed run leads with what failed and why', async () => {
    expect(failed.status).toBe('failed');
    const page = await open(failed);
    const firstSection = await page.evaluate(() => document.querySelector('main > header + *')?.id);
    expect(firstSection).toBe('failure');
    const failure = page.locator('#failure');
    const text = (await failure.textContent()) ?? '';
    expect(text).toMatch(/T013[\s\S]*failed[\s\S]*invalid_request_error|T013[\s\S]*failed[\s\S]*400/);
    for (const blocked of ['T015', 'T003', 'T004', 'T005']) expect(text).toContain(blocked);
    const failureTop = (await failure.boundingBox())?.y ?? Infinity;
    const graphTop = (await page.locator('#task-graph').boundingBox())?.y ?? -Infinity;
    expect(failureTop).toBeLessThan(graphTop);
    expect(await page.locator('svg.dag g.dag-node.state-failed').getAttribute('data-task')).toBe('T013');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'flux-failed.png'), fullPage: false });
    await page.close();
  });

  it('made no network request and logged no console error', () => {
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
