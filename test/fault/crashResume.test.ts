// Crash/resume torture: the built CLI is SIGKILLed at seeded random moments, repeatedly
// (a resume can be killed too), then resumed until the run finishes. Each project must
// end with every task committed exactly once, and every record parsing line by line.
// Size: FLUX_TORTURE_KILLS kills in all (default 20), seed FLUX_TORTURE_SEED (default 13).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../graph/randomDag.js';
import { makeProject, type Project } from '../pipeline/fixture.js';
import { commitsPerTask, git, mainJs, readEvents, runDir, startRun, waitFor, writeLatencyPlan, SMALL, type Finished } from '../cli-run/helpers.js';
import { expectRecordsParse, within } from './helpers.js';

const KILLS = Number(process.env.FLUX_TORTURE_KILLS ?? 20);
const SEED = Number(process.env.FLUX_TORTURE_SEED ?? 13);
/** Kills per project before it is let run to the end. */
const KILLS_PER_PROJECT = 4;
/** A run here takes about 1.5 s; kills land anywhere in it, the start included. */
const KILL_WINDOW_MS = 1_800;
const DEADLINE_MS = 30_000;

/** A run directory with neither state nor any event: resuming it is refused, so start afresh. */
function latestRunRecordedNothing(project: Project): boolean {
  const id = latestRun(project);
  if (!id) return false;
  const dir = runDir(project, id);
  const events = path.join(dir, 'events.ndjson');
  return !existsSync(path.join(dir, 'state.json')) && (!existsSync(events) || !readFileSync(events, 'utf8').includes('"run:start"'));
}

beforeAll(() => {
  expect(existsSync(mainJs), 'build first: npm run build').toBe(true);
});

/** The newest run directory (run ids sort by time). */
function latestRun(project: Project): string | undefined {
  const dir = path.join(project.reportsDir, 'runs');
  return existsSync(dir) ? readdirSync(dir).sort().at(-1) : undefined;
}

/** Starts the run, or resumes it once a run directory exists (unless told to start afresh). */
function attempt(project: Project, latency: string, fresh = false) {
  const resume = !fresh && latestRun(project) !== undefined;
  return startRun(project, ['--scripted-latency', latency, ...(resume ? ['--resume'] : [])]);
}

/**
 * Refusals that only say "wait" (an empty lock from a kill in its first moments clears
 * after 10 s) or "start afresh" (killed before it recorded anything) are followed.
 */
async function finish(project: Project, latency: string): Promise<Finished> {
  let fresh = false;
  for (let tries = 0; ; tries++) {
    const out = await within(attempt(project, latency, fresh), DEADLINE_MS);
    fresh = false;
    if (out.code === 2 && /already succeeded/.test(out.stderr)) return { ...out, code: 0 };
    if (out.code === 2 && /before it recorded anything/.test(out.stderr) && tries < 3) {
      fresh = true;
      continue;
    }
    if (out.code === 2 && /clears itself/.test(out.stderr) && tries < 3) {
      await new Promise((r) => setTimeout(r, 10_500));
      continue;
    }
    return out;
  }
}

describe(`SIGKILL at ${KILLS} seeded random moments (seed ${SEED}), then --resume`, () => {
  const projects = Math.ceil(KILLS / KILLS_PER_PROJECT);
  const next = seededRandom(SEED);
  for (let p = 0; p < projects; p++) {
    const kills = Math.min(KILLS_PER_PROJECT, KILLS - p * KILLS_PER_PROJECT);
    const moments = Array.from({ length: kills }, () => Math.round(next() * KILL_WINDOW_MS));
    it(`project ${p + 1}: killed at ${moments.join(', ')} ms, resumed: every task committed once, records parse`, async () => {
      const project = makeProject(SMALL);
      const latency = writeLatencyPlan(project, { defaultMs: 60 });
      for (const moment of moments) {
        const running = attempt(project, latency, latestRunRecordedNothing(project));
        await new Promise((r) => setTimeout(r, moment));
        running.child.kill('SIGKILL');
        await running.done;
      }
      const out = await finish(project, latency);
      expect(out.code, out.stderr).toBe(0);
      expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));
      expectRecordsParse(runDir(project, latestRun(project) as string));
    }, 120_000);
  }
});

describe('killed before its first state write', () => {
  it('--resume rebuilds the state from the event log and finishes the run', async () => {
    const project = makeProject(SMALL);
    const latency = writeLatencyPlan(project, { defaultMs: 150 });
    const running = attempt(project, latency);
    const runId = await waitFor('the run directory', () => latestRun(project), { running });
    await waitFor('a first commit', () => readEvents(project, runId).some((e) => e.type === 'task:commit'), { running });
    running.child.kill('SIGKILL');
    await running.done;
    rmSync(path.join(runDir(project, runId), 'state.json'), { force: true }); // as if the kill came before it was written
    const out = await within(attempt(project, latency), DEADLINE_MS);
    expect(out.code, out.stderr).toBe(0);
    expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));
    expectRecordsParse(runDir(project, runId));
  });
});

describe('killed while preparing the workspace', () => {
  it('context files staged but never committed are committed by the next run, not refused as dirty', async () => {
    const project = makeProject(SMALL);
    mkdirSync(project.workspaceDir, { recursive: true });
    git(project.workspaceDir, 'init', '--quiet');
    copyFileSync(path.join(project.root, 'tasks', 'context', 'brief.md'), path.join(project.workspaceDir, 'brief.md'));
    writeFileSync(path.join(project.workspaceDir, '.gitignore'), '__pycache__/\n');
    git(project.workspaceDir, 'add', '--', 'brief.md', '.gitignore'); // where the kill came: after add, before commit
    const out = await within(attempt(project, writeLatencyPlan(project, { defaultMs: 0 }), true), DEADLINE_MS);
    expect(out.code, out.stderr).toBe(0);
    expect(Object.fromEntries(commitsPerTask(project.workspaceDir))).toEqual(Object.fromEntries(SMALL.map((t) => [t.id, 1])));
    expect(git(project.workspaceDir, 'status', '--porcelain')).toBe('');
    expect(git(project.workspaceDir, 'log', '--format=%s')).toMatch(/Add context files/);
  });
});
