// A small project shaped like the FLUX one — three phases, a gated task needing four
// others — written into a temporary directory with scripts for the scripted provider.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export interface FixtureTask {
  id: string;
  phase: string;
  needs?: string[];
  verify?: Record<string, unknown>[];
  /** Script turns; default: write out/<id>.txt, then finish. */
  turns?: Record<string, unknown>[];
}

export const SHAPE: FixtureTask[] = [
  { id: 'C1', phase: 'configs' },
  { id: 'C2', phase: 'configs' },
  { id: 'C3', phase: 'configs' },
  { id: 'C4', phase: 'configs' },
  { id: 'C5', phase: 'configs' },
  { id: 'M1', phase: 'models', needs: ['C1'] },
  { id: 'M2', phase: 'models', needs: ['C2'] },
  { id: 'M3', phase: 'models', needs: ['C3'] },
  { id: 'M4', phase: 'models', needs: ['C4'] },
  { id: 'G', phase: 'models', needs: ['C5', 'M1', 'M2', 'M3', 'M4'] },
  { id: 'T1', phase: 'tests', needs: ['M1', 'M2', 'M3', 'M4'] },
  { id: 'T2', phase: 'tests', needs: ['G'] },
];

export function writeTurns(id: string, content = `${id} output\n`): Record<string, unknown>[] {
  return [{ text: `Writing ${id}.`, tools: [{ Write: { file_path: `out/${id}.txt`, content } }] }, { text: `${id} is written.` }];
}

export interface Project {
  root: string;
  graphFile: string;
  agentsDir: string;
  workspaceDir: string;
  reportsDir: string;
  scriptsDir: string;
}

export function makeProject(tasks: FixtureTask[] = SHAPE, options: { name?: string } = {}): Project {
  const root = mkdtempSync(path.join(tmpdir(), 'flux-triton-pipeline-'));
  const agentsDir = path.join(root, 'agents');
  const tasksDir = path.join(root, 'tasks');
  const scriptsDir = path.join(tasksDir, 'scripted');
  for (const dir of [agentsDir, path.join(tasksDir, 'context'), scriptsDir, path.join(tasksDir, 'golden')]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(agentsDir, 'worker.md'),
    '---\nname: worker\ndescription: Writes one file per task\ntools: Read, Write, Edit, Glob, Grep, Bash\nmaxTurns: 10\n---\nYou write the file your task names, then stop.\n',
  );
  writeFileSync(path.join(tasksDir, 'context', 'brief.md'), '# Brief\nEvery task writes out/<id>.txt.\n');
  const graph = {
    version: 1,
    name: options.name ?? 'small-shape',
    context: ['brief.md'],
    defaults: { model: 'sonnet', maxTurns: 10, repairAttempts: 2 },
    phases: [
      { id: 'configs', title: 'Configs' },
      { id: 'models', title: 'Models' },
      { id: 'tests', title: 'Tests' },
    ],
    tasks: tasks.map((t) => ({
      id: t.id,
      title: `${t.id} output`,
      phase: t.phase,
      agent: 'worker',
      needs: t.needs ?? [],
      outputs: [`out/${t.id}.txt`],
      verify: t.verify ?? [{ run: `test -s out/${t.id}.txt` }],
      prompt: `Write out/${t.id}.txt.`,
    })),
  };
  const graphFile = path.join(tasksDir, 'graph.yaml');
  writeFileSync(graphFile, stringify(graph));
  for (const t of tasks) writeScript(scriptsDir, t.id, t.turns ?? writeTurns(t.id));
  return { root, graphFile, agentsDir, workspaceDir: path.join(root, 'workspace'), reportsDir: path.join(root, 'reports'), scriptsDir };
}

export function writeScript(scriptsDir: string, id: string, turns: Record<string, unknown>[]): void {
  writeFileSync(path.join(scriptsDir, `${id}.yaml`), stringify({ task: id, turns }));
}
