// What a resumed run takes over from the one that stopped, decided in one place: which
// tasks are settled (recorded, or committed but never recorded), which conversations
// continue and in which Claude Code session, and which leftovers were edited by hand.
import type Anthropic from '@anthropic-ai/sdk';
import path from 'node:path';
import type { TaskGraph } from '../../config/types.js';
import type { RunState } from '../../events/index.js';
import type { TaskCommitRef } from '../taskRunner.js';
import { findEditedLeftovers } from './editedLeftovers.js';
import type { ResumePoint } from './resumePoint.js';

export interface ResumePlan {
  /** The run's state as the stopped process left it; undefined for a fresh run. */
  state?: RunState;
  settled: Record<string, 'succeeded' | 'cached'>;
  /** Tasks this run committed whose state write was lost when the process died. */
  recoveredCommits: string[];
  histories: Map<string, Anthropic.MessageParam[]>;
  sessionIds: Map<string, string>;
  editedLeftovers: { task: string; message: string }[];
}

export function freshRunPlan(): ResumePlan {
  return { settled: {}, recoveredCommits: [], histories: new Map(), sessionIds: new Map(), editedLeftovers: [] };
}

export async function planResume(
  point: ResumePoint,
  graph: TaskGraph,
  workspaceDir: string,
  runDir: string,
  taskCommits: ReadonlyMap<string, TaskCommitRef>,
): Promise<ResumePlan> {
  const plan: ResumePlan = { ...freshRunPlan(), state: point.state, settled: { ...point.settled } };
  // A task committed by this run whose state write was lost when the process died is done:
  // committing it again would duplicate it.
  for (const [taskId, ref] of taskCommits) {
    if (ref.runId === point.runId && !plan.settled[taskId]) {
      plan.settled[taskId] = 'succeeded';
      plan.recoveredCommits.push(taskId);
    }
  }
  // Read before histories(), which sets aside transcripts that have nothing to continue.
  const recordedSessions = await point.sessionIds();
  for (const [taskId, history] of await point.histories(graph, workspaceDir)) {
    if (plan.settled[taskId]) continue;
    plan.histories.set(taskId, history);
    const sessionId = recordedSessions.get(taskId);
    if (sessionId) plan.sessionIds.set(taskId, sessionId);
  }
  // Hand edits to what an interrupted agent left behind: said out loud, and marked in the commit.
  plan.editedLeftovers = await findEditedLeftovers(workspaceDir, graph, point.state, point.unfinished, path.join(runDir, 'events.ndjson'));
  return plan;
}
