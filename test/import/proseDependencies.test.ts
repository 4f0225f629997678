import { describe, expect, it } from 'vitest';
import { readProseDependencies } from '../../src/import/specKit/proseDependencies.js';
import { parseTasksMarkdown } from '../../src/import/specKit/tasksMarkdown.js';

const doc = parseTasksMarkdown(
  '/f/tasks.md',
  [
    '## Phase 1: Setup (Shared Infrastructure)',
    '- [ ] T001 a in a.py',
    '## Phase 2: Foundational (Blocking Prerequisites)',
    '- [ ] T002 b in b.py',
    '## Phase 3: User Story 1 - Upload (Priority: P1) 🎯 MVP',
    '- [ ] T003 [US1] c in c.py',
    '- [ ] T004 [P][US1] d in d.py',
    '## Phase 4: User Story 2 - Download (Priority: P2)',
    '- [ ] T005 [ US2 ] [P] e in e.py',
    '## Phase 5: Polish & Cross-Cutting Concerns',
    '- [ ] T006 f in f.py',
  ].join('\n'),
);

/** Each statement as `dependents <- prerequisites`, ids or phase numbers (1-based). */
function read(...lines: string[]): string[] {
  const reading = readProseDependencies(
    lines.map((text, i) => ({ line: i + 1, text })),
    doc,
  );
  const side = (r: { tasks: string[]; phases: number[] }) => (r.tasks.length > 0 ? r.tasks.join(',') : r.phases.map((p) => `phase ${p + 1}`).join(','));
  return [
    ...reading.statements.map((s) => `${s.line}: ${side(s.dependents)} <- ${side(s.prerequisites)}`),
    ...reading.notUnderstood.map((n) => `${n.line}: ? ${n.why}`),
    ...reading.unknownIds.map((n) => `${n.line}: unknown ${n.ids.join(',')}`),
  ];
}

describe('readProseDependencies', () => {
  it('reads the tasks, phases and stories spec-kit prose names, in both directions', () => {
    expect(doc.tasks.map((t) => [t.id, t.parallel, t.story ?? ''])).toEqual([
      ['T001', false, ''],
      ['T002', false, ''],
      ['T003', false, 'US1'],
      ['T004', true, 'US1'],
      ['T005', true, 'US2'],
      ['T006', false, ''],
    ]);
    expect(
      read(
        'T006 depends on T003–T005',
        '- T003 to T004 before T006',
        '- **Foundational (Phase 2)**: Depends on Setup completion - BLOCKS all user stories',
        '- **User Story 2 (P2)**: Can start after Foundational (Phase 2) - May integrate with US1',
        '- **Polish (Final Phase)**: Depends on all desired user stories being complete',
        'US2 requires US1; Phase 5 needs Phase 2',
        '- **User Stories (Phase 3+)**: All depend on Foundational phase completion',
      ),
    ).toEqual([
      '1: T006 <- T003,T004,T005',
      '2: T006 <- T003,T004',
      '3: phase 2 <- phase 1',
      '3: phase 3,phase 4 <- phase 2',
      '4: phase 4 <- phase 2',
      '5: phase 5 <- phase 3,phase 4',
      '6: phase 4 <- phase 3',
      '6: phase 5 <- phase 2',
      '7: phase 3,phase 4 <- phase 2',
    ]);
  });

  it('keeps what it cannot read, and ids that do not exist, apart from what it took', () => {
    expect(
      read('Models before services', 'T002 blocks T0099', 'No dependencies - can start immediately', '- Setup tasks marked [P] can run in parallel'),
    ).toEqual(['1: ? `Models` names no task id, phase or user story', '2: unknown T0099']);
  });
});
