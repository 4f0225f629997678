import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NdjsonEventLog,
  readEventLog,
  readTranscript,
  reduceRunState,
  RunEventBus,
  RunLogger,
  StateFileWriter,
  TranscriptWriter,
  type RunState,
} from '../../src/events/index.js';
import type { RunEvent } from '../../src/events/types.js';
import { at, sampleRunEvents, turn, usage } from './fixtures/sampleRun.js';

const tempRunDir = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'ft-run-')), 'runs', 'r1');
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe('StateFileWriter', () => {
  it('never leaves a partial state.json while events pour in, and ends with the latest state', async () => {
    const runDir = tempRunDir();
    const writer = new StateFileWriter({ runDir });
    const events = sampleRunEvents();
    const [start, ...rest] = events;
    writer.onEvent(start!);
    // Many large turn events make each write slow enough to race the reader.
    const bulky: RunEvent[] = Array.from({ length: 400 }, (_, i) => ({
      type: 'task:turn',
      at: at(2),
      task: 'T006',
      turn: { ...turn('T006', i + 3, 2, usage(1, 1)), toolResults: [{ type: 'tool_result', tool_use_id: 'x', content: 'y'.repeat(2000) }] },
    }));
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        if (existsSync(writer.file)) {
          const parsed = JSON.parse(readFileSync(writer.file, 'utf8')) as RunState; // throws on a partial file
          expect(parsed.schemaVersion).toBe(1);
          reads++;
        }
        await nextTick();
      }
    })();
    for (const [i, event] of [...bulky, ...rest].entries()) {
      writer.onEvent(event);
      if (i % 3 === 0) await nextTick(); // let writes and reads interleave
    }
    await writer.flush();
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    let expected: RunState | undefined;
    for (const event of [start!, ...bulky, ...rest]) expected = reduceRunState(expected, event);
    expect(JSON.parse(readFileSync(writer.file, 'utf8'))).toEqual(expected);
    expect(writer.state).toEqual(expected);
  });
});

describe('StateFileWriter redaction', () => {
  it('redacts secrets in state.json, also in a task record changed after it was first written', async () => {
    const runDir = tempRunDir();
    const secret = 'sk-ant-api03-STATESECRET';
    const writer = new StateFileWriter({ runDir });
    const [start, ...rest] = sampleRunEvents();
    writer.onEvent(start!);
    const id = rest.find((e): e is Extract<RunEvent, { type: 'task:state' }> => e.type === 'task:state')!.task;
    writer.onEvent({ type: 'task:state', at: at(1), task: id, state: 'running', previous: 'pending', reason: 'first' });
    await writer.flush();
    writer.onEvent({ type: 'task:state', at: at(2), task: id, state: 'failed', previous: 'running', reason: `key ${secret} leaked` });
    writer.onEvent({ type: 'run:notice', at: at(2), level: 'warn', message: `notice with ${secret}` });
    await writer.flush();
    const text = readFileSync(writer.file, 'utf8');
    expect(text).not.toContain('STATESECRET');
    const written = JSON.parse(text) as RunState;
    expect(written.tasks[id]).toMatchObject({ state: 'failed', reason: 'key [REDACTED] leaked' });
    expect(written.notices.at(-1)?.message).toBe('notice with [REDACTED]');
    expect(writer.state?.tasks[id]?.reason).toContain(secret); // the in-memory state is the caller's, unredacted
  });
});

describe('NdjsonEventLog', () => {
  it('appends one JSON object per event and reads them back, redacting secrets', async () => {
    const runDir = tempRunDir();
    const env = { MY_SERVICE_TOKEN: 'tok-very-secret-123' };
    const log = new NdjsonEventLog({ runDir, env });
    const events = sampleRunEvents();
    for (const event of events) log.onEvent(event);
    log.onEvent({ type: 'run:notice', at: at(22), level: 'warn', message: 'leaked tok-very-secret-123 and sk-ant-api03-abcdef' });
    await log.close();
    const text = readFileSync(log.file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(events.length + 1);
    expect(text).not.toContain('tok-very-secret-123');
    expect(text).not.toContain('sk-ant-api03');
    const back = readEventLog(log.file);
    expect(back.slice(0, events.length)).toEqual(events);
  });
});

describe('TranscriptWriter / readTranscript', () => {
  it('writes each task:turn to transcripts/<task>.jsonl in order', async () => {
    const runDir = tempRunDir();
    const writer = new TranscriptWriter({ runDir });
    for (const event of sampleRunEvents()) writer.onEvent(event);
    await writer.close();
    const t011 = readTranscript(path.join(runDir, 'transcripts', 'T011.jsonl'));
    expect(t011.map((t) => t.turn)).toEqual([1, 2]);
    expect(t011[0]).toEqual(turn('T011', 1, 9, usage(900, 700)));
    expect(existsSync(path.join(runDir, 'transcripts', 'T015.jsonl'))).toBe(false);
  });

  it('tolerates a last line cut short by a killed process, but not damage in the middle', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ft-tr-'));
    const file = path.join(dir, 'T001.jsonl');
    const full = `${JSON.stringify(turn('T001', 1, 1, usage(1, 1)))}\n${JSON.stringify(turn('T001', 2, 2, usage(1, 1)))}\n`;
    writeFileSync(file, full);
    appendFileSync(file, JSON.stringify(turn('T001', 3, 3, usage(1, 1))).slice(0, 57));
    expect(readTranscript(file).map((t) => t.turn)).toEqual([1, 2]);
    writeFileSync(file, `{"task": "T001", "tu\n${full}`);
    expect(() => readTranscript(file)).toThrow(/T001\.jsonl:1: not valid JSON/);
  });
});

describe('RunLogger', () => {
  it('logs every event at a fitting level with secrets redacted', async () => {
    const runDir = tempRunDir();
    const env = { ANTHROPIC_API_KEY: 'sk-ant-api03-SECRETSECRET', DB_PASSWORD: 'hunter2hunter2' };
    const bus = new RunEventBus();
    const logger = bus.attach(new RunLogger({ runDir, env }));
    const events = sampleRunEvents();
    for (const event of events) bus.emit(event);
    bus.emit({ type: 'task:state', at: at(30), task: 'T012', state: 'failed', previous: 'running', reason: 'command printed hunter2hunter2' });
    logger.logger.info({ request: { headers: { 'x-api-key': 'plain-header-value' } }, apiKey: 'abc' }, 'direct');
    await bus.close();
    const lines = readFileSync(logger.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(events.length + 2);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain('SECRETSECRET');
    expect(text).not.toContain('plain-header-value');
    const failed = lines.find((l) => l.event === 'task:state' && l.state === 'failed');
    expect(failed?.level).toBe(50);
    expect(lines.find((l) => l.event === 'task:state' && l.state === 'blocked')?.level).toBe(40);
    expect(lines.find((l) => l.event === 'task:turn')?.level).toBe(20);
    expect(lines.find((l) => l.event === 'task:turn')?.tools).toEqual(['Write']);
    expect(lines.find((l) => l.event === 'run:end')?.level).toBe(50); // the run failed
    expect(lines.at(-1)?.msg).toBe('direct');
    expect(typeof lines[0]?.time).toBe('string');
  });
});
