// Reads a spec-kit tasks.md into phases, tasks and the lines of its dependency prose.
// Both shapes spec-kit has written are read by one pass:
//   older: `## Phase 3.1: Setup`, `- [ ] T001 [P] Description`, a `## Dependencies` section;
//   newer: `## Phase 3: User Story 1 - Title (Priority: P1) 🎯 MVP`, `[US1]` tags,
//          `### Tests for User Story 1` subsections, `**Checkpoint**` lines and a
//          `## Dependencies & Execution Order` section.
// Nothing here decides dependencies; that is needs.ts's job.

import type { ConfigProblem } from '../../config/types.js';
import { configError, configWarning } from '../../config/problems.js';

export interface SpecPhase {
  /** 0-based position in the file. */
  index: number;
  line: number;
  /** As written after `Phase`: `3.1`, `2`; undefined for a heading without a number. */
  number?: string;
  /** The heading without `Phase N:`, decorations (🎯 MVP, ⚠️ …) or `(Priority: …)`. */
  title: string;
  /** `US1` for a user-story phase. */
  story?: string;
  /** `**Checkpoint**: …` text, if the phase has one. */
  checkpoint?: string;
}

export interface SpecTask {
  id: string;
  line: number;
  /** `[x]` or `[X]`: spec-kit considers it done. */
  done: boolean;
  /** `[P]`: may run beside the other [P] tasks of its phase. */
  parallel: boolean;
  /** `[US1]` tag, if any. */
  story?: string;
  /** The text after the id and tags. */
  description: string;
  phase: number;
  /** The `###` subsection it sits in (`Tests for User Story 1`), if any. */
  subsection?: string;
}

export interface ProseLine {
  line: number;
  text: string;
}

export interface TasksMarkdown {
  file: string;
  /** The feature title from the `# Tasks: …` heading, if there is one. */
  title?: string;
  phases: SpecPhase[];
  tasks: SpecTask[];
  /** Lines of the dependency sections, list markers and emphasis kept. */
  dependencyProse: ProseLine[];
  problems: ConfigProblem[];
}

/** `- [ ] T012 [P] [US1] Create …`; ids are `T` plus digits, as spec-kit writes them. */
const TASK_LINE = /^\s*[-*+]\s+\[([ xX])\]\s+(T\d+)\b\s*(.*)$/;
/** A checkbox line whose id is not spec-kit's shape: reported, so nothing is dropped silently. */
const ODD_TASK_LINE = /^\s*[-*+]\s+\[([ xX])\]\s+(\S+)/;
const PHASE_HEADING = /^#{2,3}\s+Phase\s+(\d+(?:\.\d+)*)\s*(?:[:：.\-–—]\s*)?(.*)$/i;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

export function parseTasksMarkdown(file: string, rawText: string): TasksMarkdown {
  const lines = rawText.replace(/^\uFEFF/, '').split(/\r?\n/);
  const result: TasksMarkdown = { file, phases: [], tasks: [], dependencyProse: [], problems: [] };
  let inFence = false;
  let section: 'none' | 'phase' | 'dependencies' | 'other' = 'none';
  let subsection: string | undefined;
  const firstLineOf = new Map<string, number>();

  lines.forEach((text, i) => {
    const line = i + 1;
    if (FENCE.test(text)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;

    const phaseHeading = PHASE_HEADING.exec(text);
    if (phaseHeading) {
      const heading = cleanHeading(phaseHeading[2] ?? '');
      const phase: SpecPhase = { index: result.phases.length, line, number: phaseHeading[1] as string, title: heading.title || `Phase ${phaseHeading[1]}` };
      if (heading.story) phase.story = heading.story;
      result.phases.push(phase);
      section = 'phase';
      subsection = undefined;
      return;
    }
    const heading = HEADING.exec(text);
    if (heading) {
      const level = (heading[1] as string).length;
      const title = heading[2] as string;
      if (level === 1) {
        result.title ??= title.replace(/^Tasks\s*:\s*/i, '').trim();
        return;
      }
      if (level === 2) {
        section = /dependenc|execution order/i.test(title) ? 'dependencies' : 'other';
        subsection = undefined;
      } else if (section === 'phase') {
        subsection = title;
      }
      return;
    }

    const task = TASK_LINE.exec(text);
    if (task) {
      if (section !== 'phase' || result.phases.length === 0) {
        result.problems.push(
          configWarning(
            `task ${task[2]} is not under a \`## Phase N: …\` heading and is left out`,
            { file, line, column: 1 },
            'move it under the phase it belongs to',
          ),
        );
        return;
      }
      const id = task[2] as string;
      const earlier = firstLineOf.get(id);
      if (earlier !== undefined) {
        result.problems.push(
          configError(
            `duplicate task id ${id}: also on line ${earlier}`,
            { file, line, column: text.indexOf(id) + 1 },
            `give one of them a new id (e.g. the next free number) and update the dependencies that mention ${id}`,
          ),
        );
        return;
      }
      firstLineOf.set(id, line);
      result.tasks.push({
        id,
        line,
        ...readTags(task[3] ?? ''),
        done: task[1] !== ' ',
        phase: result.phases.length - 1,
        ...(subsection ? { subsection } : {}),
      });
      return;
    }
    if (section === 'phase') {
      const odd = ODD_TASK_LINE.exec(text);
      if (odd) {
        result.problems.push(
          configWarning(
            `checkbox line without a task id (\`${odd[2]}\` is not of the form T001) is left out`,
            { file, line, column: 1 },
            'give it an id such as T099 so it becomes a task',
          ),
        );
        return;
      }
      const checkpoint = /^\s*\*\*Checkpoint\*\*\s*:?\s*(.*)$/i.exec(text);
      const phase = result.phases[result.phases.length - 1];
      if (checkpoint && phase) phase.checkpoint = (checkpoint[1] ?? '').trim();
    }
    if (section === 'dependencies' && text.trim() !== '') result.dependencyProse.push({ line, text });
  });

  if (result.phases.length === 0) {
    result.problems.push(
      configError(
        'no `## Phase N: …` headings found: this does not look like a spec-kit tasks.md',
        { file, line: 1, column: 1 },
        "pass the tasks.md that spec-kit's /tasks wrote (specs/<feature>/tasks.md)",
      ),
    );
  } else if (result.tasks.length === 0) {
    result.problems.push(
      configError(
        'no tasks found (lines such as `- [ ] T001 Description`)',
        { file, line: result.phases[0]?.line ?? 1, column: 1 },
        'write each task as `- [ ] T001 [P] Description in path/to/file`',
      ),
    );
  }
  return result;
}

/** `[P] [US1] Create model in x.py` → the flags and the rest. Tags may come in either order, with odd spacing. */
function readTags(rest: string): { parallel: boolean; story?: string; description: string } {
  let parallel = false;
  let story: string | undefined;
  let text = rest.trim();
  for (;;) {
    const tag = /^\[\s*(P|US\s*\d+|Story\s*\d+)\s*\]\s*/i.exec(text);
    if (!tag) break;
    const value = (tag[1] as string).replace(/\s+/g, '').toUpperCase();
    if (value === 'P') parallel = true;
    else story = `US${value.replace(/\D/g, '')}`;
    text = text.slice(tag[0].length);
  }
  const description = text.trim();
  return story === undefined ? { parallel, description } : { parallel, story, description };
}

/** Drops what spec-kit adds around a phase's name: `(Priority: P1)`, `🎯 MVP`, `⚠️ MUST COMPLETE BEFORE 3.3`. */
function cleanHeading(raw: string): { title: string; story?: string } {
  const title = raw
    .replace(/\(\s*Priority\s*:[^)]*\)/gi, '')
    .replace(/⚠️?.*$/u, '')
    .replace(/🎯\s*MVP/giu, '')
    .replace(/\p{Extended_Pictographic}|\uFE0F/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const story = /\bUser\s+Story\s+(\d+)\b/i.exec(title);
  return story ? { title, story: `US${story[1]}` } : { title };
}
