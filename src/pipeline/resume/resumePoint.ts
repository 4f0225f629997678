// Where a killed or interrupted run left off: which tasks are settled, and for each
// unfinished session the conversation up to its last complete turn, rebuilt from its
// transcript so the agent continues instead of starting over.
import type Anthropic from '@anthropic-ai/sdk';
import { existsSync } from 'node:fs';
import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { buildTaskMessage } from '../../agent/index.js';
import type { TurnRecord } from '../../agent/types.js';
import type { TaskGraph, TaskSpec } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { readEventLog, readRunState, readTranscript, reduceRunState, transcriptFile, type RunState } from '../../events/index.js';
import { listRuns } from '../../report/index.js';
import { collectNeededFiles } from '../neededFiles.js';

export interface ResumePoint {
  runId: string;
  /** The run's state as the stopped process left it; the resumed run's state continues it. */
  state: RunState;
  settled: Record<string, 'succeeded' | 'cached'>;
  /** Tasks the run left unfinished (pending, running, interrupted): their uncommitted outputs are expected. */
  unfinished: string[];
  histories(graph: TaskGraph, workspaceDir: string): Promise<Map<string, Anthropic.MessageParam[]>>;
  /** The Claude Code session each unfinished task recorded last (claude-code provider). */
  sessionIds(): Promise<Map<string, string>>;
}

// 'pending' too: a run stopped because its state could not be written (a full disk) may
// have started tasks the state file never heard of; their outputs are the run's own.
const UNFINISHED = new Set(['pending', 'running', 'verifying', 'repairing', 'interrupted']);

export async function loadResumePoint(reportsDir: string, resume: true | string): Promise<ResumePoint> {
  let runId: string;
  if (resume === true) {
    const latest = await latestRunId(reportsDir);
    if (!latest) throw new UserError(`there is no run to resume in ${reportsDir}`, 'Start one with flux-triton run.');
    runId = latest;
  } else {
    runId = resume;
  }
  const runDir = path.join(reportsDir, 'runs', runId);
  const stateFile = path.join(runDir, 'state.json');
  const eventsFile = path.join(runDir, 'events.ndjson');
  if (!existsSync(stateFile) && !existsSync(eventsFile)) {
    const known = (await listRuns(reportsDir)).map((r) => r.runId);
    throw new UserError(`no run ${runId} in ${reportsDir}`, known.length ? `Runs: ${known.join(', ')}` : 'Start one with flux-triton run.');
  }
  // Killed before its first state write: the event log is the record to rebuild it from.
  const state = existsSync(stateFile) ? await readRunState(stateFile) : stateFromEvents(runId, eventsFile);
  if (state.status === 'succeeded') {
    throw new UserError(`run ${runId} already succeeded; there is nothing to resume`, 'Start a new run with flux-triton run (unchanged tasks are cached).');
  }
  const settled: ResumePoint['settled'] = {};
  const unfinished: string[] = [];
  for (const record of Object.values(state.tasks)) {
    if (record.state === 'succeeded' || record.state === 'cached') settled[record.id] = record.state;
    else if (UNFINISHED.has(record.state)) unfinished.push(record.id);
  }
  return {
    runId,
    state,
    settled,
    unfinished,
    async sessionIds() {
      const ids = new Map<string, string>();
      for (const taskId of unfinished) {
        const file = transcriptFile(runDir, taskId);
        if (!existsSync(file)) continue;
        const id = (await readTranscript(file)).findLast((turn) => turn.sessionId !== undefined)?.sessionId;
        if (id) ids.set(taskId, id);
      }
      return ids;
    },
    async histories(graph, workspaceDir) {
      const histories = new Map<string, Anthropic.MessageParam[]>();
      const specs = new Map(graph.tasks.map((t) => [t.id, t]));
      for (const taskId of unfinished) {
        const task = specs.get(taskId);
        const file = transcriptFile(runDir, taskId);
        if (!task || !existsSync(file)) continue;
        const turns = await readTranscript(file);
        const needed = await collectNeededFiles(
          workspaceDir,
          task.needs.map((id) => specs.get(id) as TaskSpec),
        );
        const history = conversationFromTurns(buildTaskMessage(task, needed), turns);
        if (history) {
          // The continued session's turns follow on in the same transcript.
          histories.set(taskId, history);
        } else {
          // The session restarts from turn 1: keep the old attempt's turns apart, so a later
          // resume does not read two conversations as one.
          await rename(file, file.replace(/\.jsonl$/, `.abandoned-${Date.now()}.jsonl`));
        }
      }
      return histories;
    },
  };
}

/**
 * The messages up to the last complete turn (its tool results recorded, or the model's
 * finished answer), or undefined when no turn is complete (the session then restarts). A turn that opened with a repair prompt
 * carries it in `prompt`.
 */
export function conversationFromTurns(taskMessage: string, turns: readonly TurnRecord[]): Anthropic.MessageParam[] | undefined {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: taskMessage }];
  let lastComplete = 0;
  for (const turn of turns) {
    // A turn whose tools the stop cut short is asked again: its calls never (fully) ran.
    if (turn.toolResults.some(cutByAbort)) break;
    if (messages[messages.length - 1]?.role === 'assistant') {
      // The previous turn ended the model's work; only a recorded repair prompt continues it.
      if (!turn.prompt) break;
      messages.push({ role: 'user', content: turn.prompt });
    }
    messages.push({ role: 'assistant', content: turn.assistant });
    if (turn.toolResults.length > 0) {
      messages.push({ role: 'user', content: turn.toolResults });
      lastComplete = messages.length;
    } else if (turn.stopReason === 'end_turn' || turn.stopReason === 'stop_sequence') {
      // The model had finished (verification was cut short): nothing to ask it again.
      lastComplete = messages.length;
    }
  }
  return lastComplete > 0 ? messages.slice(0, lastComplete) : undefined;
}

/**
 * The newest run: the latest listed one (it has a state file), or a newer run directory
 * that only has an event log (killed before its first state write). Run ids sort by time.
 */
async function latestRunId(reportsDir: string): Promise<string | undefined> {
  const runsDir = path.join(reportsDir, 'runs');
  const listed = (await listRuns(reportsDir))[0]?.runId;
  const unlisted = existsSync(runsDir)
    ? (await readdir(runsDir)).filter((name) => existsSync(path.join(runsDir, name, 'events.ndjson')) && !existsSync(path.join(runsDir, name, 'state.json')))
    : [];
  return [...(listed ? [listed] : []), ...unlisted].sort().at(-1);
}

function stateFromEvents(runId: string, eventsFile: string): RunState {
  let state: RunState | undefined;
  for (const event of readEventLog(eventsFile)) state = reduceRunState(state, event);
  if (!state) {
    throw new UserError(
      `run ${runId} was stopped before it recorded anything; there is nothing to resume`,
      'Start a new run with flux-triton run (its run directory can be deleted).',
    );
  }
  return state;
}

/** Tool results the session wrote because the run was being stopped (see session.ts, tools/). */
function cutByAbort(result: TurnRecord['toolResults'][number]): boolean {
  const content = typeof result.content === 'string' ? result.content : JSON.stringify(result.content ?? '');
  return /Not executed: the session was aborted|abandoned: the session was aborted|\[killed: the session was aborted\]/.test(content);
}
