// The scope check of one task must not take another task's outputs for stray changes while
// they are still that task's: a failed task's until they are set aside, an interrupted
// task's (kept for --resume) for the rest of the run. The tasks are interleaved by gates on
// a provider whose sessions only write their file, and by holding the commit queue, so the
// order that once failed tasks at concurrency 8 happens every time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/agent/index.js';
import type { SessionEndReason, SessionOutcome } from '../../src/agent/types.js';
import type { AgentDefinition, TaskGraph, TaskSpec } from '../../src/config/types.js';
import type { RunEvent } from '../../src/events/types.js';
import { createTaskRunner } from '../../src/pipeline/taskRunner.js';
import type { TaskContext, TaskOutcome } from '../../src/scheduler/index.js';
import { compileGlob } from '../../src/util/glob.js';
import { CommitQueue, listChangedPaths, prepareWorkspace, ScopeGuard } from '../../src/workspace/index.js';
import { git, isolateGitEnvironment, tempDir, writeTree } from '../workspace/gitSandbox.js';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** The commit queue, counting the operations queued so a test can wait for the nth. */
class WatchedQueue extends CommitQueue {
  private queued = 0;
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  override run<T>(operation: () => Promise<T>): Promise<T> {
    this.queued += 1;
    for (const waiter of this.waiting.filter((w) => w.count <= this.queued)) waiter.resolve();
    return super.run(operation);
  }

  /** Resolves once `count` operations have been queued in all. */
  until(count: number): Promise<void> {
    if (this.queued >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

interface Script {
  /** Ends the session; opened at once when absent. */
  gate?: Promise<void>;
  reason: SessionEndReason;
  /** Called once the session has written its output. */
  wrote?: () => void;
}

/**
 * The real guard's rule on a workspace read only once `read` opens, the way `git status`
 * under load reads it a while after the check began: the allowed outputs are asked for
 * after that. Only the two methods the task runner calls.
 */
function slowGuard(dir: string, read: Promise<void>, began: () => void): ScopeGuard {
  const guard: Pick<ScopeGuard, 'check' | 'committed'> = {
    committed: () => undefined,
    check: async (allowedOutputs) => {
      began();
      await read;
      const changes = await listChangedPaths(dir);
      const allowed = allowedOutputs().map(compileGlob);
      const outOfScope = changes.filter((change) => !allowed.some((matches) => matches(change.path)));
      return outOfScope.length > 0 ? { changes, violation: { outOfScope } } : { changes };
    },
  };
  return guard as ScopeGuard;
}

const usage = { inputTokens: 1, outputTokens: 1, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function task(id: string): TaskSpec {
  return {
    id,
    title: id,
    phase: 'work',
    agent: 'writer',
    needs: [],
    outputs: [`out/${id}.txt`],
    verify: [],
    prompt: 'write it',
    source: { file: 'graph.yaml' },
  };
}

describe("the scope check and the outputs of other tasks' unfinished work", () => {
  let dir: string;
  beforeEach(async () => {
    isolateGitEnvironment();
    const source = tempDir('ft-ctx-');
    writeTree(source, { 'ctx.md': 'context\n' });
    dir = path.join(tempDir(), 'ws');
    await prepareWorkspace({ dir, contextSourceDir: source, contextFiles: ['ctx.md'], graphName: 'race', runId: 'run-1' });
  });

  async function runner(ids: string[], scripts: Map<string, Script>, queue: CommitQueue, scopeGuard?: ScopeGuard) {
    const tasks = ids.map(task);
    const graph: TaskGraph = {
      version: 1,
      name: 'race',
      context: [],
      defaults: { model: 'sonnet', maxTurns: 4, repairAttempts: 0 },
      phases: [{ id: 'work', title: 'Work' }],
      tasks,
      file: path.join(dir, 'graph.yaml'),
      dir,
    };
    const agent: AgentDefinition = { name: 'writer', description: 'writes', tools: ['Write'], prompt: 'Write.', extra: {}, source: { file: 'writer.md' } };
    // Each session writes its task's one output, then ends as its script says once its gate opens.
    const provider: Provider = {
      kind: 'scripted',
      client: () => {
        throw new Error('no client in this test');
      },
      session: (options) => ({
        run: async (): Promise<SessionOutcome> => {
          const script = scripts.get(options.task.id) as Script;
          writeTree(dir, { [`out/${options.task.id}.txt`]: `${options.task.id}\n` });
          script.wrote?.();
          await script.gate;
          return { reason: script.reason, message: script.reason, turns: 1, usage };
        },
        resume: () => Promise.reject(new Error('no resume in this test')),
      }),
      describe: () => 'gated test sessions',
      close: async () => undefined,
    };
    const events: RunEvent[] = [];
    const run = createTaskRunner({
      graph,
      agents: new Map([['writer', agent]]),
      workspaceDir: dir,
      runId: 'run-1',
      provider,
      sharedContext: '',
      python: 'python3',
      env: {},
      commitQueue: queue,
      scopeGuard: scopeGuard ?? (await ScopeGuard.open(dir)),
      taskCommits: new Map(),
      histories: new Map(),
      force: false,
      failedOutputsDir: path.join(tempDir('ft-failed-'), 'failed'),
      forced: new Set(),
      emit: (event) => events.push(event),
      now: () => new Date(),
    });
    const ctx: TaskContext = { signal: new AbortController().signal, setState: () => undefined, rateLimited: () => undefined };
    return { start: (id: string): Promise<TaskOutcome> => run({ id, phase: 'work', needs: [] }, ctx), events };
  }

  it("keeps a failed task's outputs allowed until they are set aside, even when another task's check runs in between", async () => {
    const queue = new WatchedQueue(dir);
    const finishA = gate();
    const { start } = await runner(
      ['F', 'A'],
      new Map<string, Script>([
        ['F', { reason: 'max_turns' }],
        ['A', { gate: finishA.opened, reason: 'end_turn' }],
      ]),
      queue,
    );
    // Hold the queue, so the checks line up behind it in a known order.
    const hold = gate();
    void queue.run(() => hold.opened); // 1
    const failed = start('F');
    const succeeded = start('A');
    await queue.until(2); // F failed; its own scope check waits
    const between = gate();
    void queue.run(() => between.opened); // 3: other work in the queue (another task's commit, say)
    finishA.open();
    await queue.until(4); // A's scope check, behind it
    hold.open();
    await queue.until(5); // F's check passed and the setting aside of its outputs is queued, behind A's check
    expect(existsSync(path.join(dir, 'out/F.txt'))).toBe(true);
    between.open();

    const [f, a] = await Promise.all([failed, succeeded]);
    expect(a, JSON.stringify(a)).toEqual({ state: 'succeeded' });
    expect(f.state).toBe('failed');
    expect(f.state === 'failed' ? f.reason : '').not.toMatch(/outside the task's scope/);
    expect(existsSync(path.join(dir, 'out/F.txt'))).toBe(false); // set aside after all
    expect(git(dir, 'log', '-1', '--format=%s')).toMatch(/^A: /);
  });

  it('allows the outputs of a task that started while the check was reading the workspace', async () => {
    const checkBegan = gate();
    const readWorkspace = gate();
    const lateWrote = gate();
    const finishLate = gate();
    const { start } = await runner(
      ['E', 'L'],
      new Map<string, Script>([
        ['E', { reason: 'end_turn' }],
        ['L', { gate: finishLate.opened, reason: 'end_turn', wrote: lateWrote.open }],
      ]),
      new CommitQueue(dir),
      slowGuard(dir, readWorkspace.opened, checkBegan.open),
    );
    const early = start('E');
    await checkBegan.opened; // E's check has begun and not yet read the workspace
    const late = start('L');
    await lateWrote.opened; // L is in flight and has written out/L.txt
    readWorkspace.open();
    expect(await early).toEqual({ state: 'succeeded' });
    finishLate.open();
    expect(await late).toEqual({ state: 'succeeded' });
    expect(git(dir, 'log', '-2', '--format=%s')).toMatch(/^L: L\nE: E\n$/);
  });

  it("keeps an interrupted task's outputs, left in place for --resume, allowed for the rest of the run", async () => {
    const { start } = await runner(
      ['I', 'B'],
      new Map<string, Script>([
        ['I', { reason: 'aborted' }],
        ['B', { reason: 'end_turn' }],
      ]),
      new CommitQueue(dir),
    );
    expect((await start('I')).state).toBe('interrupted');
    expect(existsSync(path.join(dir, 'out/I.txt'))).toBe(true);
    const later = await start('B');
    expect(later, JSON.stringify(later)).toEqual({ state: 'succeeded' });
    expect(existsSync(path.join(dir, 'out/I.txt'))).toBe(true);
    expect(git(dir, 'status', '--porcelain')).toBe('?? out/I.txt\n');
  });
});
