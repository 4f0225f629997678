// Each way a tasks.md (or what comes with it) can be wrong: a clear message at file:line
// with a fix, exit 2 from the CLI, and nothing written.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/runCli.js';
import { formatDiagnostic } from '../../src/util/diagnostic.js';
import { importSpecKit } from '../../src/import/index.js';
import { captureIo } from '../cli/capture.js';
import { writeTree } from '../config/helpers.js';

const fixtures = join(import.meta.dirname, '../fixtures/spec-kit/bad');
const AGENTS = {
  'agents/developer.md': '---\nname: developer\ndescription: Implements Python models, services and the payments package\n---\nYou implement.',
  'agents/tooling.md': '---\nname: tooling\ndescription: Configures linting, pytest and the project dependencies\n---\nYou set up tooling.',
};

/** A project folder with the agents and the fixture as specs/001-payments/tasks.md. */
function projectWith(fixture: string): { dir: string; tasksFile: string } {
  const dir = writeTree(AGENTS);
  const tasksFile = join(dir, 'specs/001-payments/tasks.md');
  mkdirSync(join(dir, 'specs/001-payments'), { recursive: true });
  copyFileSync(join(fixtures, fixture), tasksFile);
  return { dir, tasksFile };
}

function errorsOf(dir: string, tasksFile: string): string[] {
  const result = importSpecKit({ tasksFile, agentsDir: join(dir, 'agents') });
  expect(result.written).toBe(false);
  expect(existsSync(result.graphFile)).toBe(false);
  return result.problems.filter((p) => p.severity === 'error').map((p) => formatDiagnostic(p, { relativeTo: dir }));
}

describe('import spec-kit: bad plans', () => {
  it('refuses duplicate ids, naming both lines', async () => {
    const { dir, tasksFile } = projectWith('duplicate-ids.md');
    expect(errorsOf(dir, tasksFile)).toEqual([
      'specs/001-payments/tasks.md:9:7: error: duplicate task id T003: also on line 8\n  hint: give one of them a new id (e.g. the next free number) and update the dependencies that mention T003',
    ]);
    const io = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md'], io)).toBe(2);
    expect(io.err()).toContain('specs/001-payments/tasks.md:9:7: error: duplicate task id T003');
  });

  it('refuses a cycle the prose introduces, at the line that introduced it, with every link explained', () => {
    const { dir, tasksFile } = projectWith('prose-cycle.md');
    expect(errorsOf(dir, tasksFile)).toEqual([
      'specs/001-payments/tasks.md:12:1: error: dependency cycle T002 → T003 → T002: T002 needs T003 (line 12: "T002 depends on T003"); T003 needs T002 (line 13: "T003 blocked by T002")\n  hint: remove or reverse the statement on line 12',
    ]);
  });

  it('refuses needs on a later phase, from prose and from a description, and ids that do not exist', () => {
    const { dir, tasksFile } = projectWith('cross-phase.md');
    expect(errorsOf(dir, tasksFile)).toEqual([
      'specs/001-payments/tasks.md:5:1: error: `Configure pytest in pyproject.toml (depends on T004)`: T002 (Setup (Shared Infrastructure)) would wait for T004 (Foundational (Blocking Prerequisites)), which is in a later phase, but phases run in the order tasks.md lists them\n  hint: reverse the statement if it is written the wrong way round, or move the task to the phase it belongs in',
      'specs/001-payments/tasks.md:13:1: error: `T001 requires T003`: T001 (Setup (Shared Infrastructure)) would wait for T003 (Foundational (Blocking Prerequisites)), which is in a later phase, but phases run in the order tasks.md lists them\n  hint: reverse the statement if it is written the wrong way round, or move the task to the phase it belongs in',
      'specs/001-payments/tasks.md:14:1: error: `T003 depends on T099` names T099, which is not a task in tasks.md\n  hint: fix the id (a typo would silently drop this dependency), or remove the statement',
    ]);
  });

  it('reads odd spacing and missing paths, reporting each gap as a TODO or a warning at its line', () => {
    const { dir, tasksFile } = projectWith('loose.md');
    const result = importSpecKit({ tasksFile, agentsDir: join(dir, 'agents') });
    expect(result.written).toBe(true);
    expect(result.problems.map((p) => formatDiagnostic(p, { relativeTo: dir }))).toEqual([
      'specs/001-payments/tasks.md:11:1: warning: T006: `/etc/payments.conf` is absolute, so it cannot be an output (outputs stay inside the workspace)\n  hint: write the path relative to the repository root',
      'specs/001-payments/tasks.md:11:1: warning: T006: `../shared/keys.py` contains `..`, so it cannot be an output (outputs stay inside the workspace)\n  hint: write the path relative to the repository root',
      'specs/001-payments/tasks.md:12:1: warning: checkbox line without a task id (`Write` is not of the form T001) is left out\n  hint: give it an id such as T099 so it becomes a task',
    ]);
    expect(result.counts.done).toEqual(['T003']);
    expect(result.guesses).toEqual(
      expect.arrayContaining([
        'T001: outputs notes/T001.md — TODO: tasks.md names no file for it; edit `outputs` in the graph',
        'T002: outputs notes/T002.md — TODO: tasks.md names no file for it; edit `outputs` in the graph',
        'T006: outputs notes/T006.md — TODO: tasks.md names no file for it; edit `outputs` in the graph',
        'T005: waits for T004, because both write src/payments/models.py',
      ]),
    );
    const yaml = readFileSync(result.graphFile, 'utf8');
    expect(yaml).toContain('# TODO: tasks.md names no file for T001; replace notes/T001.md with the files it writes');
    expect(yaml).toMatch(/- id: T005\n(?:.*\n)*?\s+needs: \[ T004 \]/);
    expect(yaml).toContain('phases:\n  - { id: setup, title: Setup }\n  - { id: core, title: Core }');
  });

  it('refuses a file that is not a spec-kit tasks.md, and a plan with every task ticked', () => {
    const dir = writeTree({ ...AGENTS, 'notes.md': '# Notes\n\n- [ ] buy milk\n', 'done/tasks.md': '## Phase 1: Setup\n- [x] T001 Done in a.py\n' });
    expect(errorsOf(dir, join(dir, 'notes.md'))).toEqual([
      "notes.md:1:1: error: no `## Phase N: …` headings found: this does not look like a spec-kit tasks.md\n  hint: pass the tasks.md that spec-kit's /tasks wrote (specs/<feature>/tasks.md)",
    ]);
    expect(errorsOf(dir, join(dir, 'done/tasks.md'))).toEqual([
      'done/tasks.md:2:1: error: every task in tasks.md is ticked: nothing is left to run\n  hint: untick ([ ]) the tasks you want run again',
    ]);
  });

  it('refuses an agent map naming an unknown agent, at its line, and warns about lines matching no task', () => {
    const { dir, tasksFile } = projectWith('loose.md');
    writeFileSync(join(dir, 'map.yaml'), '# ids → agents\nT001: tooling\n"T00[45]": develper\nT042: developer\n');
    const result = importSpecKit({ tasksFile, agentsDir: join(dir, 'agents'), agentMapFile: join(dir, 'map.yaml') });
    expect(result.written).toBe(false);
    expect(result.problems.map((p) => formatDiagnostic(p, { relativeTo: dir })).filter((m) => m.includes('map.yaml'))).toEqual([
      'map.yaml:3:1: error: unknown agent `develper` for `T00[45]`\n  hint: did you mean `developer`? known agents are `developer` and `tooling`',
    ]);
    writeFileSync(join(dir, 'map.yaml'), 'T001: tooling\nT042: developer\n');
    const fixed = importSpecKit({ tasksFile, agentsDir: join(dir, 'agents'), agentMapFile: join(dir, 'map.yaml') });
    expect(fixed.written).toBe(true);
    expect(fixed.problems.map((p) => formatDiagnostic(p, { relativeTo: dir })).filter((m) => m.includes('map.yaml'))).toEqual([
      'map.yaml:2:1: warning: `T042` matches no task that is still to do\n  hint: check the id, or remove the line',
    ]);
    expect(readFileSync(fixed.graphFile, 'utf8')).toMatch(/- id: T001\n(?:.*\n)*?\s+agent: tooling/);
  });

  it('the CLI names the flags: --agents for a folder with no agents, --agent-map for an unreadable map and for guessed agents', async () => {
    const { dir } = projectWith('loose.md');
    mkdirSync(join(dir, 'empty'));
    const io = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'empty'], io)).toBe(2);
    expect(io.err()).toContain(
      'empty: error [import.no-agents]: no usable agents to assign the tasks to\n  hint: use the folder of your agents (for Claude Code agents: .claude/agents); pass it with `--agents DIR`, e.g. `--agents .claude/agents`',
    );
    const map = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents', '--agent-map', 'no-map.yaml'], map)).toBe(2);
    expect(map.err()).toContain(
      'no-map.yaml: error [import.agent-map-unreadable]: cannot read the agent map: ENOENT\n  hint: the agent map is an existing YAML file; pass an existing YAML file to `--agent-map FILE`',
    );
    const guessed = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents'], guessed)).toBe(0);
    expect(guessed.out()).toMatch(
      /Guesses to check \(\d+\):\n(?: {2}.*\n)*? {2}T001: agent \S+ .*\n(?: {2}.*\n)*? {2}hint: set a task's agent with `--agent-map FILE`/,
    );
  });

  it('never overwrites a graph it did not write, but regenerates its own', async () => {
    const { dir } = projectWith('loose.md');
    const mine = join(dir, 'specs/001-payments/flux-triton/graph.yaml');
    mkdirSync(join(dir, 'specs/001-payments/flux-triton'), { recursive: true });
    writeFileSync(mine, 'version: 1\n# my own graph\n');
    const io = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents'], io)).toBe(2);
    expect(io.err()).toMatch(
      /^error: \S+graph\.yaml exists and was not written by `import spec-kit`; it is left as it is\nhint: choose another file with -o FILE/,
    );
    expect(readFileSync(mine, 'utf8')).toBe('version: 1\n# my own graph\n');
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents', '-o', 'plan.yaml'], io)).toBe(0);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents', '-o', 'plan.yaml'], io)).toBe(0);
    expect(io.out()).toContain('wrote plan.yaml: 5 tasks in 2 phases from specs/001-payments/tasks.md');
    expect(await runCli(['import', 'markdown', 'x.md'], io)).toBe(2);
    expect(io.err()).toContain("error: unknown plan format 'markdown'");
  });

  it('answers a directory or a file in the way of the output with exit 2 and the path, not a stack trace', async () => {
    const { dir } = projectWith('loose.md');
    mkdirSync(join(dir, 'out.yaml'));
    writeFileSync(join(dir, 'afile'), 'x');
    const io = captureIo(dir);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents', '-o', 'out.yaml'], io)).toBe(2);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments/tasks.md', '--agents', 'agents', '-o', 'afile/graph.yaml'], io)).toBe(2);
    expect(await runCli(['import', 'spec-kit', 'specs/001-payments', '--agents', 'agents'], io)).toBe(2);
    const errors = io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(/^error: \S+out\.yaml exists and was not written by `import spec-kit`/),
      expect.stringMatching(/^error: cannot (write|copy the feature document to) \S+afile\/\S+ \((EEXIST|ENOTDIR): /),
      expect.stringMatching(/^error: tasks\.md not found: \S+specs\/001-payments$/),
    ]);
    expect(io.err()).not.toContain('internal error');
  });
});
