import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCost, formatUsd, LIST_PRICES, loadPriceFile, PriceBook } from '../../src/cost/index.js';
import { UserError } from '../../src/errors.js';

const usage = (input: number, output: number, cacheWrite = 0, cacheRead = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheCreationInputTokens: cacheWrite,
  cacheReadInputTokens: cacheRead,
});

describe('PriceBook', () => {
  it('prices each kind of token at its own rate, by alias or full id', () => {
    const book = new PriceBook();
    // sonnet: $2 in, $10 out, $2.50 cache write, $0.10 cache read per million tokens.
    expect(book.costOf('claude-sonnet-5-5', usage(1_000_000, 0))).toBeCloseTo(2, 10);
    expect(book.costOf('sonnet', usage(0, 1_000_000))).toBeCloseTo(10, 10);
    expect(book.costOf('sonnet', usage(0, 0, 1_000_000, 1_000_000))).toBeCloseTo(2.6, 10);
    expect(book.costOf('opus', usage(1000, 1000))).toBeCloseTo((1000 * 4 + 1000 * 20) / 1e6, 12);
  });

  it('returns null for a model with no price instead of guessing', () => {
    expect(new PriceBook().costOf('claude-unknown-9', usage(10, 10))).toBeNull();
  });

  it('applies the long-prompt tier to a request whose prompt passes the threshold', () => {
    const book = new PriceBook();
    const short = book.costOf('haiku', usage(50_000, 1000, 0, 50_000)) as number;
    const long = book.costOf('haiku', usage(50_000, 1000, 0, 50_001)) as number;
    expect(short).toBeCloseTo((50_000 * 0.1 + 1000 * 0.5 + 50_000 * 0.01) / 1e6, 12);
    expect(long).toBeCloseTo((50_000 * 0.5 + 1000 * 2.5 + 50_001 * 0.05) / 1e6, 12);
  });

  it('lets later tables override earlier ones per model (list, then graph, then --prices)', () => {
    const graph = { sonnet: { input: 100, output: 100, cacheWrite: 100, cacheRead: 100 } };
    const file = {
      'claude-sonnet-5-5': { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 },
      'my-model': { input: 3, output: 3, cacheWrite: 3, cacheRead: 3 },
    };
    expect(new PriceBook([LIST_PRICES, graph]).costOf('sonnet', usage(1_000_000, 0))).toBeCloseTo(100);
    const book = new PriceBook([LIST_PRICES, graph, file]);
    expect(book.costOf('sonnet', usage(1_000_000, 0))).toBeCloseTo(1);
    expect(book.costOf('my-model', usage(0, 1_000_000))).toBeCloseTo(3);
    expect(book.costOf('opus', usage(1_000_000, 0))).toBeCloseTo(4);
  });

  it('keeps unknown contagious when adding costs', () => {
    expect(addCost(1, 2)).toBe(3);
    expect(addCost(null, 2)).toBeNull();
    expect(addCost(1, null)).toBeNull();
    expect(formatUsd(null)).toBe('unknown');
    expect(formatUsd(0.001234)).toBe('$0.0012');
    expect(formatUsd(1.234)).toBe('$1.23');
  });
});

describe('loadPriceFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flux-prices-'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads YAML and JSON price tables', async () => {
    expect(await loadPriceFile(write('p.yaml', 'sonnet: { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 }\n'))).toEqual({
      sonnet: { input: 1, output: 2, cacheWrite: 3, cacheRead: 0.5 },
    });
    expect(await loadPriceFile(write('p.json', '{"opus":{"input":1,"output":2,"cacheWrite":3,"cacheRead":4}}'))).toHaveProperty('opus.cacheRead', 4);
  });

  it('names the file, the model and the field of every problem', async () => {
    const file = write(
      'bad.yaml',
      'sonnet: { input: -1, output: 2, cacheWrite: 3 }\nopus: { input: 1, output: 1, cacheWrite: 1, cacheRead: 1, cachedRead: 2 }\n',
    );
    const error = await loadPriceFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}: sonnet.input`);
    expect(message).toContain(`${file}: sonnet.cacheRead`);
    expect(message).toMatch(/cachedRead/);
  });

  it('says so when the file is missing or not YAML', async () => {
    await expect(loadPriceFile(path.join(dir, 'nope.yaml'))).rejects.toThrow(/Cannot read the price file .*nope\.yaml/);
    await expect(loadPriceFile(write('broken.yaml', 'a: [1, 2\n'))).rejects.toThrow(/not valid YAML or JSON/);
  });
});

describe('state files from before costs were recorded', () => {
  it('count a task that had turns as unknown, and one without as $0', async () => {
    const { parseRunState } = await import('../../src/events/index.js');
    const { summarizeRun } = await import('../../src/report/index.js');
    const zero = usage(0, 0);
    const task = (id: string, turns: number) => ({
      id,
      title: id,
      phase: 'p',
      agent: 'a',
      needs: [],
      state: 'succeeded',
      turns,
      usage: turns ? usage(10, 10) : zero,
      verify: [],
      retries: 0,
    });
    const old = parseRunState(
      {
        schemaVersion: 1,
        runId: 'r',
        graph: 'g.yaml',
        graphName: 'g',
        provider: 'scripted',
        status: 'succeeded',
        startedAt: '2026-01-01T00:00:00.000Z',
        phases: [{ id: 'p', title: 'P' }],
        tasks: { A: task('A', 2), B: task('B', 0) },
        notices: [],
      },
      'old-state.json',
    );
    const summary = summarizeRun(old);
    const [a, b] = summary.phases[0]?.tasks ?? [];
    expect(a?.costUsd).toBeNull();
    expect(b?.costUsd).toBe(0);
    expect(summary.costUsd).toBeNull();
  });
});
