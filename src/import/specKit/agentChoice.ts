// Which agent runs each task: the agent map file first (task id or glob → agent, the
// first matching line wins), else the agent whose name and description share the most
// telling words with the task. Every match made by words is a guess and says so.

import { readFileSync } from 'node:fs';
import { isMap, isScalar } from 'yaml';
import type { AgentDefinition, ConfigProblem } from '../../config/types.js';
import { configError, configWarning } from '../../config/problems.js';
import { didYouMean, listNames } from '../../util/suggest.js';
import { YamlSource } from '../../config/yamlSource.js';
import { compileGlob } from '../../util/glob.js';

export interface AgentMapEntry {
  pattern: string;
  agent: string;
  line: number;
  matches: (taskId: string) => boolean;
}

export interface AgentMap {
  file: string;
  entries: AgentMapEntry[];
}

/** Reads `T001: agent` / `"T01*": agent` lines (YAML or JSON); unknown agents are errors at their line. */
export function loadAgentMap(file: string, agents: ReadonlyMap<string, AgentDefinition>, problems: ConfigProblem[]): AgentMap {
  const map: AgentMap = { file, entries: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push({
      ...configError(
        `cannot read the agent map: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { file },
        'the agent map is an existing YAML file',
      ),
      code: 'import.agent-map-unreadable',
    });
    return map;
  }
  const source = new YamlSource(file, text);
  const syntax = source.syntaxProblems();
  problems.push(...syntax);
  if (syntax.some((p) => p.severity === 'error')) return map;
  const root = source.document.contents;
  if (!isMap(root)) {
    problems.push(
      configError(
        'the agent map must be a mapping of task id or glob to agent name',
        source.positionOf([]),
        'e.g. `T006: triton-config-agent` or `"T01[1-4]": model-agent`, one per line',
      ),
    );
    return map;
  }
  const known = [...agents.keys()].sort();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const at = source.positionOfOffset(isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
    if (key === undefined || typeof value !== 'string' || value.trim() === '') {
      problems.push(configError('each line must map a task id or glob to an agent name', at, 'e.g. `T006: triton-config-agent`'));
      continue;
    }
    const agent = value.trim();
    if (!agents.has(agent)) {
      problems.push(configError(`unknown agent \`${agent}\` for \`${key}\``, at, `${didYouMean(agent, known)}known agents are ${listNames(known)}`));
      continue;
    }
    let matches: (taskId: string) => boolean;
    try {
      matches = compileGlob(key);
    } catch (error) {
      problems.push(configError(`\`${key}\` is not a valid task id or glob: ${(error as Error).message}`, at, 'use an id such as T006 or a glob such as T01*'));
      continue;
    }
    map.entries.push({ pattern: key, agent, line: at.line ?? 1, matches });
  }
  return map;
}

export type AgentChoice =
  | { agent: string; how: 'map'; pattern: string; line: number }
  | { agent: string; how: 'words'; words: string[] }
  | { agent: string; how: 'fallback' };

export interface TaskText {
  id: string;
  /** Description, phase title, subsection: everything that says what the task is about. */
  text: string;
}

/** One agent per task; `fallback` means no word matched and the first agent by name was taken. */
export function chooseAgents(tasks: readonly TaskText[], agents: ReadonlyMap<string, AgentDefinition>, map: AgentMap | undefined): Map<string, AgentChoice> {
  const profiles = [...agents.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => ({ name: a.name, nameWords: new Set(wordsOf(a.name)), descriptionWords: new Set(wordsOf(a.description)) }));
  // A word every agent mentions (`triton`, `model`) tells them apart hardly at all; one only a
  // few mention tells a lot (inverse document frequency). A word of the agent's name counts triple.
  const documentFrequency = new Map<string, number>();
  for (const p of profiles) for (const w of new Set([...p.nameWords, ...p.descriptionWords])) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
  const weight = (w: string): number => Math.log(profiles.length / (documentFrequency.get(w) ?? profiles.length)) + 0.01;

  const choices = new Map<string, AgentChoice>();
  for (const task of tasks) {
    const mapped = map?.entries.find((e) => e.matches(task.id));
    if (mapped) {
      choices.set(task.id, { agent: mapped.agent, how: 'map', pattern: mapped.pattern, line: mapped.line });
      continue;
    }
    const words = new Set(wordsOf(task.text));
    let best: { name: string; score: number; words: string[] } | undefined;
    for (const p of profiles) {
      const shared = [...words].filter((w) => p.nameWords.has(w) || p.descriptionWords.has(w));
      const score = shared.reduce((sum, w) => sum + weight(w) * (p.nameWords.has(w) ? 3 : 1), 0);
      if (score > 0 && (best === undefined || score > best.score)) best = { name: p.name, score, words: shared };
    }
    // Only the words that told this agent apart are worth showing.
    if (best) choices.set(task.id, { agent: best.name, how: 'words', words: best.words.filter((w) => weight(w) > 0.05) });
    else if (profiles[0]) choices.set(task.id, { agent: profiles[0].name, how: 'fallback' });
  }
  return choices;
}

/** Map lines that matched no task: probably a typo in an id. */
export function unusedMapEntries(map: AgentMap, taskIds: readonly string[]): ConfigProblem[] {
  return map.entries
    .filter((e) => !taskIds.some((id) => e.matches(id)))
    .map((e) =>
      configWarning(`\`${e.pattern}\` matches no task that is still to do`, { file: map.file, line: e.line, column: 1 }, 'check the id, or remove the line'),
    );
}

const STOPWORDS = new Set([
  'agent',
  'the',
  'and',
  'for',
  'with',
  'from',
  'into',
  'that',
  'this',
  'its',
  'use',
  'uses',
  'using',
  'create',
  'creates',
  'implement',
  'implements',
  'write',
  'writes',
  'add',
  'file',
  'files',
  'task',
  'tasks',
  'phase',
  'new',
  'all',
  'each',
  'per',
  'when',
  'then',
  'after',
  'before',
  'story',
  'user',
  'them',
  'they',
  'one',
  'to',
  'of',
  'in',
  'on',
  'as',
  'by',
  'an',
  'or',
  'is',
  'it',
  'be',
  'at',
  'end',
]);

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => !STOPWORDS.has(w) && (w.length >= 2 || /[^\p{ASCII}]/u.test(w)) && !/^\d+$/.test(w))
    .map(stem);
}

/** `tests`, `testing` and `test` compare equal; that is as much stemming as names and descriptions need. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}
