// Turns a phrase of tasks.md prose into the tasks or phases it names: ids and ranges
// (`T011-T014`, `T006–T010`, `T008, T015`), user stories (`User Story 1`, `US2`, `all user
// stories`), phases by name (`Setup`, `Foundational`, `tests`) or number (`Phase 2`, `Phase 3+`).

import type { SpecPhase, TasksMarkdown } from './tasksMarkdown.js';

export interface Reference {
  /** Task ids named explicitly. */
  tasks: string[];
  /** Phase indexes named (only when no task id is named: ids are the more precise). */
  phases: number[];
  /** Ids inside a range or list that tasks.md does not define. */
  unknownIds: string[];
}

export function isEmptyReference(ref: Reference): boolean {
  return ref.tasks.length === 0 && ref.phases.length === 0;
}

const ID_OR_RANGE = /\bT(\d+)(?:\s*(?:[-–—~]|\.\.|\bto\b|\bthrough\b)\s*T?(\d+))?\b/g;
/** Words too common in phase titles and prose to identify a phase. */
const STOPWORDS = new Set([
  'phase',
  'phases',
  'the',
  'and',
  'for',
  'with',
  'all',
  'first',
  'tdd',
  'mvp',
  'user',
  'story',
  'stories',
  'shared',
  'cross',
  'cutting',
  'concerns',
  'blocking',
  'prerequisite',
  'final',
  'must',
  'complete',
  'completion',
  'before',
  'after',
  'tasks',
  'task',
  'can',
  'start',
  'done',
]);

export function resolveReference(phrase: string, doc: Pick<TasksMarkdown, 'phases' | 'tasks'>): Reference {
  const known = new Set(doc.tasks.map((t) => t.id));
  const tasks: string[] = [];
  const unknownIds: string[] = [];
  for (const match of phrase.matchAll(ID_OR_RANGE)) {
    const from = match[1] as string;
    const to = match[2];
    const ids = to === undefined ? [`T${from}`] : expandRange(from, to);
    const named = ids.filter((id) => known.has(id));
    // Gaps inside a range are normal; a single id or a range with no task in it is a mistake.
    if (named.length === 0) unknownIds.push(to === undefined ? `T${from}` : `T${from}-T${to}`);
    for (const id of named) if (!tasks.includes(id)) tasks.push(id);
  }
  if (tasks.length > 0 || unknownIds.length > 0) return { tasks, phases: [], unknownIds };
  return { tasks: [], phases: resolvePhases(phrase, doc.phases), unknownIds: [] };
}

function expandRange(from: string, to: string): string[] {
  const start = Number(from);
  const end = Number(to);
  if (end < start || end - start > 1000) return [`T${from}`];
  const width = from.length;
  const ids: string[] = [];
  for (let n = start; n <= end; n++) ids.push(`T${String(n).padStart(width, '0')}`);
  return ids;
}

function resolvePhases(phrase: string, phases: readonly SpecPhase[]): number[] {
  const found = new Set<number>();
  const storyPhases = phases.filter((p) => p.story !== undefined);
  if (/\b(?:all|other|remaining|desired|the)\s+(?:[\p{L}]+\s+)*?(?:user\s+)?stories\b|\buser\s+stories\b/iu.test(phrase)) {
    for (const p of storyPhases) found.add(p.index);
  }
  for (const match of phrase.matchAll(/\b(?:user\s+)?story\s+(\d+)\b|\bUS\s?(\d+)\b/gi)) {
    const story = `US${match[1] ?? match[2]}`;
    for (const p of phases) if (p.story === story) found.add(p.index);
  }
  if (/\bfinal\s+phase\b|\blast\s+phase\b/i.test(phrase) && phases.length > 0) found.add(phases.length - 1);
  const words = new Set(wordsOf(phrase));
  for (const p of phases) {
    if (p.story !== undefined) continue;
    if (keywordsOf(p).some((k) => words.has(k))) found.add(p.index);
  }
  if (found.size === 0) {
    // Numbers only when no name matched: `User Stories (Phase 3+)` means the stories, not Polish.
    for (const match of phrase.matchAll(/\bphases?\s+(\d+(?:\.\d+)*)(\+?)/gi)) {
      const number = match[1] as string;
      const onward = match[2] === '+';
      const start = phases.findIndex((p) => p.number === number);
      if (start === -1) continue;
      if (onward) for (let i = start; i < phases.length; i++) found.add(i);
      else found.add(start);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** The words that name a phase in prose: `Tests First (TDD)` → `test`; `Core Implementation` → `core`, `implementation`. */
export function keywordsOf(phase: SpecPhase): string[] {
  return wordsOf(phase.title.replace(/\([^)]*\)/g, ' '));
}

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((w) => !STOPWORDS.has(w) && (w.length >= 3 || /[^\p{ASCII}]/u.test(w)) && !/^\d+$/.test(w))
    .map(stem);
}

/** `tests` and `test`, `models` and `model`, compare equal; that is all the stemming prose here needs. */
function stem(word: string): string {
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}
