// spec-kit's tasks.md → a task graph `validate` accepts, plus a report of every guess.
// Reads tasks.md and the agents, decides phases, needs, outputs, agents and context, then
// writes the graph (and copies of the feature's documents as its context files) only
// when the result passes the same checks `flux-triton validate` runs.

import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { loadAgents } from '../../config/agents.js';
import { configError, configWarning } from '../../config/problems.js';
import { hasErrors, sortDiagnostics } from '../../util/diagnostic.js';
import { parseTaskGraph } from '../../config/taskGraph.js';
import type { ConfigProblem } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { chooseAgents, loadAgentMap, unusedMapEntries, type AgentChoice, type AgentMap } from './agentChoice.js';
import { findFeatureDocuments, type FeatureDocument } from './featureDocuments.js';
import { isGeneratedGraph, renderGraphYaml, type GraphTask } from './graphYaml.js';
import { computeNeeds } from './needs.js';
import { namedPaths } from './outputPaths.js';
import { readProseDependencies } from './proseDependencies.js';
import { parseTasksMarkdown, type SpecPhase } from './tasksMarkdown.js';
import { phaseIdsOf, promptOf, titleOf } from './taskText.js';

export interface ImportSpecKitOptions {
  tasksFile: string;
  agentsDir: string;
  agentMapFile?: string;
  /** Default: `<feature dir>/flux-triton/graph.yaml`. */
  outputFile?: string;
}

export interface ImportSpecKitResult {
  tasksFile: string;
  graphFile: string;
  /** Set when the graph was written. */
  written: boolean;
  documents: FeatureDocument[];
  /** Errors (nothing written) and warnings, sorted. */
  problems: ConfigProblem[];
  /** Every guess, one line each, for the user to check. */
  guesses: string[];
  /** The tasks whose agent was guessed (not taken from the agent map): an agent map can set them. */
  agentGuessed: string[];
  /** Dependency prose the importer could not read, one line each. */
  notUnderstood: string[];
  counts: { tasks: number; phases: number; done: string[] };
}

export function importSpecKit(options: ImportSpecKitOptions): ImportSpecKitResult {
  const tasksFile = resolve(options.tasksFile);
  const graphFile = resolve(options.outputFile ?? join(dirname(tasksFile), 'flux-triton', 'graph.yaml'));
  const result: ImportSpecKitResult = {
    tasksFile,
    graphFile,
    written: false,
    documents: [],
    problems: [],
    guesses: [],
    agentGuessed: [],
    notUnderstood: [],
    counts: { tasks: 0, phases: 0, done: [] },
  };
  const finish = (extra: ConfigProblem[]): ImportSpecKitResult => {
    result.problems = sortDiagnostics([...result.problems, ...extra]);
    return result;
  };

  if (!existsSync(tasksFile) || !statSync(tasksFile).isFile()) {
    throw new UserError(
      `tasks.md not found: ${tasksFile}`,
      "pass the file spec-kit's /tasks wrote, e.g. flux-triton import spec-kit specs/001-feature/tasks.md",
    );
  }
  const tasksText = fileStep('read', tasksFile, () => readFileSync(tasksFile, 'utf8'));
  const problems: ConfigProblem[] = [];
  const loadedAgents = loadAgents(options.agentsDir);
  problems.push(...loadedAgents.problems);
  if (loadedAgents.agents.size === 0) {
    problems.push({
      ...configError(
        'no usable agents to assign the tasks to',
        { file: resolve(options.agentsDir) },
        'use the folder of your agents (for Claude Code agents: .claude/agents)',
      ),
      code: 'import.no-agents',
    });
    return finish(problems);
  }
  const agentMap: AgentMap | undefined = options.agentMapFile ? loadAgentMap(resolve(options.agentMapFile), loadedAgents.agents, problems) : undefined;

  const doc = parseTasksMarkdown(tasksFile, tasksText);
  problems.push(...doc.problems);
  if (hasErrors(problems)) return finish(problems);

  // Outputs, from the paths each description names.
  const outputs = new Map<string, string[]>();
  const guessedOutputs = new Set<string>();
  for (const task of doc.tasks) {
    const named = namedPaths(task.description);
    for (const refused of named.refused) {
      problems.push(
        configWarning(
          `${task.id}: \`${refused.path}\` ${refused.reason}, so it cannot be an output (outputs stay inside the workspace)`,
          { file: tasksFile, line: task.line, column: 1 },
          'write the path relative to the repository root',
        ),
      );
    }
    if (named.outputs.length > 0) outputs.set(task.id, named.outputs);
    else {
      outputs.set(task.id, [`notes/${task.id}.md`]);
      guessedOutputs.add(task.id);
    }
  }

  const prose = readProseDependencies(doc.dependencyProse, doc);
  const needs = computeNeeds(doc, prose, outputs);
  problems.push(...needs.problems);
  if (hasErrors(problems)) return finish(problems);

  const pending = doc.tasks.filter((t) => !t.done);
  result.counts = { tasks: pending.length, phases: 0, done: doc.tasks.filter((t) => t.done).map((t) => t.id) };
  if (pending.length === 0) {
    problems.push(
      configError(
        'every task in tasks.md is ticked: nothing is left to run',
        { file: tasksFile, line: doc.tasks[0]?.line ?? 1, column: 1 },
        'untick ([ ]) the tasks you want run again',
      ),
    );
    return finish(problems);
  }

  const phaseIds = phaseIdsOf(doc.phases);
  const usedPhases = doc.phases.filter((p) => pending.some((t) => t.phase === p.index));
  const choices = chooseAgents(
    pending.map((t) => ({ id: t.id, text: [t.description, doc.phases[t.phase]?.title, t.subsection].filter(Boolean).join(' ') })),
    loadedAgents.agents,
    agentMap,
  );
  if (agentMap)
    problems.push(
      ...unusedMapEntries(
        agentMap,
        pending.map((t) => t.id),
      ),
    );

  result.documents = findFeatureDocuments(tasksFile);
  const contextNames = result.documents.map((d) => d.contextPath);
  const graphDir = dirname(graphFile);
  const sourceFromGraph = relative(graphDir, tasksFile).split(sep).join('/');

  const graphTasks: GraphTask[] = pending.map((task) => {
    const phase = doc.phases[task.phase] as SpecPhase;
    const taskOutputs = outputs.get(task.id) as string[];
    const choice = choices.get(task.id) as AgentChoice;
    const comments = [`tasks.md line ${task.line}${task.parallel ? ' [P]' : ''}${task.story ? ` [${task.story}]` : ''}`];
    if (guessedOutputs.has(task.id)) comments.push(`TODO: tasks.md names no file for ${task.id}; replace notes/${task.id}.md with the files it writes`);
    if (choice.how !== 'map')
      comments.push(`agent guessed (${choice.how === 'words' ? `matched: ${choice.words.join(', ')}` : 'no word matched'}); set it here, or in an agent map`);
    return {
      id: task.id,
      title: titleOf(task),
      phase: phaseIds.get(phase.index) as string,
      agent: choice.agent,
      needs: needs.needs.get(task.id) ?? [],
      outputs: taskOutputs,
      verify: taskOutputs.some((o) => o.endsWith('.py')) ? [{ check: 'python-syntax' }] : [],
      prompt: promptOf(task, phase, taskOutputs, contextNames),
      comments,
    };
  });

  // The guesses, for the report.
  for (const task of pending) {
    const choice = choices.get(task.id) as AgentChoice;
    if (choice.how !== 'map') result.agentGuessed.push(task.id);
    if (choice.how === 'words') result.guesses.push(`${task.id}: agent ${choice.agent} (shares: ${choice.words.join(', ')})`);
    if (choice.how === 'fallback')
      result.guesses.push(
        `${task.id}: agent ${choice.agent} — TODO: no agent's name or description shares a word with the task; set it in the graph, or in an agent map`,
      );
    if (guessedOutputs.has(task.id))
      result.guesses.push(`${task.id}: outputs notes/${task.id}.md — TODO: tasks.md names no file for it; edit \`outputs\` in the graph`);
  }
  for (const s of needs.sameFile) result.guesses.push(`${s.task}: waits for ${s.after}, because both write ${s.path}`);
  for (const phase of doc.phases) {
    const waits = needs.phaseWaitsFor.get(phase.index) ?? [];
    const fromProse = !(waits.length === 1 && waits[0] === phase.index - 1) && phase.index > 0;
    if (fromProse)
      result.guesses.push(
        `phase "${phase.title}" waits for ${waits.length === 0 ? 'nothing' : waits.map((w) => `"${doc.phases[w]?.title}"`).join(', ')} (from the dependency prose, instead of the phase before it)`,
      );
  }
  result.notUnderstood = prose.notUnderstood.map((n) => `${basename(tasksFile)}:${n.line}: "${n.text}": ${n.why}`);

  const notes = [
    ...(result.counts.done.length > 0 ? [`Ticked in tasks.md, so kept as done and left out: ${result.counts.done.join(', ')}.`] : []),
    ...(contextNames.length > 0 ? [`Context: copies of the feature's documents under context/ (import again after editing them).`] : []),
  ];
  const yaml = renderGraphYaml({
    name: doc.title && doc.title !== '' ? doc.title : basename(dirname(tasksFile)),
    source: sourceFromGraph,
    context: contextNames,
    phases: usedPhases.map((p) => ({ id: phaseIds.get(p.index) as string, title: p.title })),
    tasks: graphTasks,
    notes,
  });
  result.counts.phases = usedPhases.length;

  // Overwrite only what an earlier import wrote: the user's own graph is never replaced.
  if (existsSync(graphFile) && (statSync(graphFile).isDirectory() || !isGeneratedGraph(fileStep('read', graphFile, () => readFileSync(graphFile, 'utf8'))))) {
    throw new UserError(
      `${graphFile} exists and was not written by \`import spec-kit\`; it is left as it is`,
      'choose another file with -o FILE, or move that one away',
    );
  }
  for (const document of result.documents) {
    const target = join(graphDir, 'context', ...document.contextPath.split('/'));
    fileStep('copy the feature document to', target, () => {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(document.source, target);
    });
  }
  // The same checks as `flux-triton validate`, before the graph is written.
  const check = parseTaskGraph(graphFile, yaml, loadedAgents.agents);
  problems.push(...check.problems);
  if (hasErrors(check.problems)) return finish(problems);
  fileStep('write', graphFile, () => {
    mkdirSync(graphDir, { recursive: true });
    writeFileSync(graphFile, yaml);
  });
  result.written = true;
  return finish(problems);
}

/** A file-system failure (no permission, a file where a folder should be, a full disk) as the user's error, naming the path. */
function fileStep<T>(what: string, path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UserError(
      `cannot ${what} ${path} (${code}: ${(error as Error).message.replace(/^\w+: /, '')})`,
      'check that the path is a writable folder or file, or choose another output with -o FILE',
    );
  }
}
