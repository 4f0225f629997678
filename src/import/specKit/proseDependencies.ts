// Dependency statements in tasks.md prose, as spec-kit writes them:
//   "T015 depends on T011-T014"              (left needs right)
//   "Config files (T006-T010) before model implementations (T011-T015)"  (right needs left)
//   "- **Foundational (Phase 2)**: Depends on Setup completion - BLOCKS all user stories"
// A line may open with a subject (`**Subject**:` or `Subject:`) that clauses without their
// own left side refer to. What cannot be resolved is kept, so the report can show it.

import { isEmptyReference, resolveReference, type Reference } from './references.js';
import type { ProseLine, TasksMarkdown } from './tasksMarkdown.js';

export interface DependencyStatement {
  line: number;
  /** The clause as written, for the report and error messages. */
  text: string;
  /** These wait … */
  dependents: Reference;
  /** … for these. */
  prerequisites: Reference;
}

export interface ProseReading {
  statements: DependencyStatement[];
  /** Clauses with a dependency word whose sides name no task or phase. */
  notUnderstood: (ProseLine & { why: string })[];
  /** Clauses naming ids tasks.md does not define: a typo that would silently drop a need. */
  unknownIds: (ProseLine & { ids: string[] })[];
}

/** Left waits for right. */
const NEEDS = /\b(?:depends?\s+on|requires?|needs|after|blocked\s+by|waits?\s+for)\b/i;
/** Right waits for left. */
const PRECEDES = /\b(?:before|blocks?|precedes?|unblocks?)\b/i;

export function readProseDependencies(lines: readonly ProseLine[], doc: Pick<TasksMarkdown, 'phases' | 'tasks'>): ProseReading {
  const reading: ProseReading = { statements: [], notUnderstood: [], unknownIds: [] };
  for (const { line, text } of lines) {
    const body = text.replace(/^\s*(?:[-*+]|\d+\.)\s+/, '').trim();
    if (body === '' || body.startsWith('#') || body.startsWith('|')) continue;
    const { subject, rest } = splitSubject(body);
    const subjectRef = subject === undefined ? undefined : resolveReference(subject, doc);
    for (const clause of rest.split(/;|\s[-–—]\s(?!T?\d)|\.\s+(?=[A-Z])/)) {
      const statement = readClause(clause.trim(), subjectRef, doc);
      if (statement === undefined) continue;
      if ('ids' in statement) reading.unknownIds.push({ line, text: clause.trim(), ids: statement.ids });
      else if ('why' in statement) reading.notUnderstood.push({ line, text: clause.trim(), why: statement.why });
      else reading.statements.push({ line, text: clause.trim(), ...statement });
    }
  }
  return reading;
}

/** Dependencies written inside a task's own description: "… (depends on T012, T013)". Only ids count here. */
export function inlinePrerequisites(description: string, doc: Pick<TasksMarkdown, 'phases' | 'tasks'>): Reference | undefined {
  const verb = NEEDS.exec(description);
  if (!verb) return undefined;
  const ref = resolveReference(description.slice(verb.index + verb[0].length), { phases: [], tasks: doc.tasks });
  return ref.tasks.length > 0 || ref.unknownIds.length > 0 ? ref : undefined;
}

function splitSubject(body: string): { subject?: string; rest: string } {
  const bold = /^\*\*(.+?)\*\*\s*:?\s*(.*)$/.exec(body);
  if (bold) return { subject: (bold[1] as string).replace(/:$/, ''), rest: bold[2] as string };
  const colon = /^([^:]{1,60}):\s+(.*)$/.exec(body);
  if (colon && !NEEDS.test(colon[1] as string) && !PRECEDES.test(colon[1] as string)) return { subject: colon[1] as string, rest: colon[2] as string };
  return { rest: body };
}

function readClause(
  clause: string,
  subject: Reference | undefined,
  doc: Pick<TasksMarkdown, 'phases' | 'tasks'>,
): { dependents: Reference; prerequisites: Reference } | { why: string } | { ids: string[] } | undefined {
  const needs = NEEDS.exec(clause);
  const precedes = PRECEDES.exec(clause);
  const verb =
    needs && (!precedes || needs.index <= precedes.index)
      ? { match: needs, kind: 'needs' as const }
      : precedes
        ? { match: precedes, kind: 'precedes' as const }
        : undefined;
  if (!verb) return undefined;
  const left = clause.slice(0, verb.match.index);
  const right = clause.slice(verb.match.index + verb.match[0].length);
  let leftRef = resolveReference(left, doc);
  if (isEmptyReference(leftRef) && leftRef.unknownIds.length === 0 && subject && !isEmptyReference(subject)) leftRef = subject;
  const rightRef = resolveReference(right, doc);
  const unknown = [...leftRef.unknownIds, ...rightRef.unknownIds];
  if (unknown.length > 0) return { ids: unknown };
  if (isEmptyReference(leftRef) || isEmptyReference(rightRef)) {
    const side = isEmptyReference(leftRef) ? left.trim() || '(nothing)' : right.trim() || '(nothing)';
    return { why: `\`${side}\` names no task id, phase or user story` };
  }
  return verb.kind === 'needs' ? { dependents: leftRef, prerequisites: rightRef } : { dependents: rightRef, prerequisites: leftRef };
}
