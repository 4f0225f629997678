// API faults the SDK does not absorb: a stream event that is not JSON, a short
// retry-after, a turn failing every retry. Each is retried or fails with a clear message,
// the wait is printed as it is, the task id once, and the retries are counted.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeProject, type Project } from '../pipeline/fixture.js';
import { onlyRunId, readState, runCli } from '../cli-run/helpers.js';

function faultPlan(project: Project, rules: Record<string, unknown>[]): string {
  const file = path.join(project.root, 'faults.yaml');
  writeFileSync(file, stringify({ rules }));
  return file;
}

const ONE = [{ id: 'C1', phase: 'configs' }];

function taskRecord(project: Project): { state?: string; reason?: string; retries?: number } {
  return readState(project, onlyRunId(project) as string).tasks.C1 as { state?: string; reason?: string; retries?: number };
}

describe('API faults', () => {
  it('a malformed SSE event is retried as a transient error with a clear message', async () => {
    const project = makeProject(ONE);
    const out = await runCli(project, ['--scripted-faults', faultPlan(project, [{ task: 'C1', turn: 1, malformedEventAfter: 4 }])]);
    expect(out.code, out.stderr).toBe(0);
    const said = out.stdout + out.stderr;
    expect(said).toMatch(/the API sent a stream event that is not valid JSON .*retrying turn 1 in 1 s \(attempt 1\)/);
    expect(said).not.toMatch(/Could not parse message into JSON|unexpected failure/);
    expect(taskRecord(project).retries).toBe(1);
  });

  it('retry-after-ms 200 is printed as 200 ms, with the task id once', async () => {
    const project = makeProject(ONE);
    const out = await runCli(project, ['--scripted-faults', faultPlan(project, [{ task: 'C1', turn: 1, status: 503, retryAfterMs: 200, times: 3 }])]);
    expect(out.code, out.stderr).toBe(0);
    const line = (out.stdout + out.stderr).split('\n').find((l) => /retrying turn 1/.test(l)) ?? '';
    expect(line).toMatch(/retrying turn 1 in 200 ms/);
    expect(line.match(/C1/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('a task failed after its turn retries records how many there were', async () => {
    const project = makeProject(ONE);
    const out = await runCli(project, ['--scripted-faults', faultPlan(project, [{ task: 'C1', turn: 1, status: 503, retryAfterMs: 1, times: 1000 }])]);
    expect(out.code).toBe(1);
    const task = taskRecord(project);
    expect(task?.state).toBe('failed');
    expect(task?.reason).toMatch(/giving up after 4 turn retries/);
    expect(task?.retries).toBe(4);
  });
});
