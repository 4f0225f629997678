// The machine-readable plan (`flux-triton plan --format json`). Documented in
// docs/plan-json.md; bump PLAN_SCHEMA_VERSION on any incompatible change.

import type { TaskGraph, TaskIdentity } from '../../config/types.js';
import type { GraphAnalysis } from '../analyze.js';
import type { CriticalPath } from '../criticalPath.js';

export const PLAN_SCHEMA_VERSION = 1;

export interface PlanJson {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  graph: { name: string; file: string; version: 1 };
  phases: { id: string; title: string; tasks: string[] }[];
  tasks: PlanTask[];
  order: string[];
  levels: string[][];
  width: number;
  criticalPath: CriticalPath;
  longestChain: CriticalPath;
  missingEstimates: string[];
}

export interface PlanTask extends TaskIdentity {
  dependents: string[];
  level: number;
  outputs: string[];
  estimate: number | null;
}

export function buildPlanJson(graph: Pick<TaskGraph, 'name' | 'file' | 'tasks'>, analysis: GraphAnalysis): PlanJson {
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    graph: { name: graph.name, file: graph.file, version: 1 },
    phases: analysis.phases.map((p) => ({ id: p.id, title: p.title, tasks: [...p.tasks] })),
    tasks: graph.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      phase: t.phase,
      agent: t.agent,
      needs: [...(analysis.needs.get(t.id) ?? [])],
      dependents: [...(analysis.dependents.get(t.id) ?? [])],
      level: analysis.levelOf.get(t.id) ?? 0,
      outputs: [...t.outputs],
      estimate: t.estimate ?? null,
    })),
    order: [...analysis.order],
    levels: analysis.levels.map((l) => [...l]),
    width: analysis.width,
    criticalPath: analysis.criticalPath,
    longestChain: analysis.longestChain,
    missingEstimates: [...analysis.missingEstimates],
  };
}
