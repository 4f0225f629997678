// The one rule for failing subscribers, driven by a real unwritable directory: the state
// file cannot be written, so the scheduler stops dispatching at once and executeGraph
// rejects with a RecordWriteError naming the file; a failing run log is only reported.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordWriteError } from '../../src/errors.js';
import { attachRunRecorders, RunEventBus, StateFileWriter } from '../../src/events/index.js';
import { executeGraph } from '../../src/scheduler/index.js';
import { canMakeReadOnlyDir, readOnlyDir, unmountAll } from './filesystems.js';

afterAll(() => unmountAll());

const tasks = ['A', 'B', 'C', 'D'].map((id, i, all) => ({ id, phase: 'p', needs: i > 0 ? [all[i - 1] as string] : [] }));

describe.runIf(canMakeReadOnlyDir)('state and event log in an unwritable directory', () => {
  it('stop dispatching at once: the run rejects with RecordWriteError and no later task starts', async () => {
    const runDir = path.join(readOnlyDir(), 'runs', 'r1');
    const bus = new RunEventBus();
    // The recorders cannot even create their directory: the event log fails in its constructor.
    expect(() => attachRunRecorders(bus, { runDir })).toThrow(/EROFS|EACCES|ENOENT/);

    // As a run would meet it: the directory vanished for the state file only.
    const started: string[] = [];
    const bus2 = new RunEventBus();
    bus2.attach(new StateFileWriter({ runDir }), { essential: true });
    const run = executeGraph({
      tasks,
      phases: ['p'],
      concurrency: 1,
      emit: (event) => bus2.emit(event),
      runTask: async (task) => {
        started.push(task.id);
        await new Promise((r) => setTimeout(r, 50)); // the state write fails meanwhile
        return { state: 'succeeded' };
      },
    });
    await expect(run).rejects.toThrow(RecordWriteError);
    await expect(run).rejects.toThrow(new RegExp(`cannot write the state file ${runDir}/state.json`));
    expect(started).toEqual(['A']);
  });

  it('any other subscriber failing on the same directory is reported once, and the run goes on', async () => {
    const dir = readOnlyDir();
    const warnings: string[] = [];
    const bus = new RunEventBus({ onListenerError: (error) => warnings.push((error as Error).message) });
    bus.on((event) => writeFileSync(path.join(dir, 'report.md'), event.type)); // a report writer
    const started: string[] = [];
    const result = await executeGraph({
      tasks,
      phases: ['p'],
      concurrency: 1,
      emit: (event) => bus.emit(event),
      runTask: async (task) => {
        started.push(task.id);
        return { state: 'succeeded' };
      },
    });
    expect(result.status).toBe('succeeded');
    expect(started).toEqual(['A', 'B', 'C', 'D']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/EROFS|EACCES/);
  });
});
