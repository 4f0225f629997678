// Hostile and mistaken configuration through the built CLI: alias bombs, garbage graphs,
// paths that cannot work, a directory where the lock file goes. Every case is the user's
// to fix, so every one ends within its deadline with exit 2 and a message naming what and
// where, never a stack trace, and touches nothing.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { makeProject, type Project } from '../pipeline/fixture.js';
import { lockFile, mainJs, projectArgs, spawnCli, SMALL, type Finished } from '../cli-run/helpers.js';
import { canMakeReadOnlyDir, readOnlyDir, unmountAll } from './filesystems.js';
import { within } from './helpers.js';

const DEADLINE_MS = 15_000;

beforeAll(() => {
  expect(existsSyncSafe(mainJs), 'build first: npm run build').toBe(true);
});
afterAll(() => unmountAll());

function existsSyncSafe(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

async function cli(project: Project, args: string[]): Promise<Finished> {
  return within(spawnCli(project, args), DEADLINE_MS);
}

function expectUserMistake(out: Finished, message: RegExp): void {
  const said = out.stdout + out.stderr; // validate lists problems on stdout
  expect(said).toMatch(message);
  expect(said).not.toMatch(/internal error|\n\s+at /);
  expect(out.code, out.stderr).toBe(2);
}

/** `a: &a [x × 10]`, then six more levels each listing the previous one ten times: 10^7 nodes if expanded. */
function aliasBomb(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  const names = 'abcdefg';
  for (let i = 1; i < names.length; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(10)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

function run(project: Project, extra: string[] = []): Promise<Finished> {
  return cli(project, ['run', ...projectArgs(project), '--provider', 'scripted', ...extra]);
}

describe('hostile YAML', () => {
  it('an alias bomb in the task graph is refused at once (exit 2, position)', async () => {
    const project = makeProject(SMALL);
    writeFileSync(project.graphFile, aliasBomb() + readFileSync(project.graphFile, 'utf8'));
    const out = await cli(project, ['validate', '--graph', project.graphFile, '--agents', project.agentsDir]);
    expectUserMistake(out, /graph\.yaml:1:1: error: YAML: too many alias references/);
  });

  it('an alias bomb in an agent front matter is refused the same way', async () => {
    const project = makeProject(SMALL);
    const agent = path.join(project.agentsDir, 'worker.md');
    writeFileSync(agent, readFileSync(agent, 'utf8').replace('---\n', `---\n${aliasBomb()}`));
    const out = await cli(project, ['validate', '--graph', project.graphFile, '--agents', project.agentsDir]);
    expectUserMistake(out, /worker\.md:\d+:\d+: error: YAML: too many alias references/);
  });

  it('a graph of random bytes is a configuration problem, not a crash', async () => {
    const project = makeProject(SMALL);
    writeFileSync(project.graphFile, randomBytes(4096));
    const out = await cli(project, ['validate', '--graph', project.graphFile, '--agents', project.agentsDir]);
    expectUserMistake(out, /graph\.yaml/);
  });

  it('outputs inside .git are refused at validate, before any run', async () => {
    const project = makeProject(SMALL);
    const graph = parse(readFileSync(project.graphFile, 'utf8')) as { tasks: { outputs: string[] }[] };
    (graph.tasks[0] as { outputs: string[] }).outputs = ['.git/**'];
    writeFileSync(project.graphFile, stringify(graph));
    const out = await cli(project, ['validate', '--graph', project.graphFile, '--agents', project.agentsDir]);
    expectUserMistake(out, /output `\.git\/\*\*` is inside \.git/);
  });
});

describe('huge graphs (bounded size)', () => {
  it('validate of a 3 000-task graph finishes within its deadline', async () => {
    const project = makeProject(SMALL);
    const graph = parse(readFileSync(project.graphFile, 'utf8')) as { tasks: Record<string, unknown>[] };
    const template = graph.tasks[0] as Record<string, unknown>;
    graph.tasks = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      id: `T${i}`,
      needs: i > 0 ? [`T${Math.floor(i / 2)}`] : [],
      outputs: [`out/${i % 50}/T${i}.txt`],
      verify: [{ run: `test -s out/${i % 50}/T${i}.txt` }],
    }));
    writeFileSync(project.graphFile, stringify(graph));
    const out = await cli(project, ['validate', '--graph', project.graphFile, '--agents', project.agentsDir]);
    expect(out.code, out.stdout + out.stderr).toBe(0);
  });
});

describe('paths that cannot work', () => {
  it('--graph naming a directory', async () => {
    const project = makeProject(SMALL);
    const out = await run({ ...project, graphFile: path.dirname(project.graphFile) });
    expectUserMistake(out, /must be a YAML file, but this is a directory/);
  });

  it('--workspace naming a file, or a folder under a file', async () => {
    const project = makeProject(SMALL);
    const file = path.join(project.root, 'a-file');
    writeFileSync(file, 'x');
    expectUserMistake(await run({ ...project, workspaceDir: file }), /the workspace .*a-file is a file, not a directory/);
    expectUserMistake(await run({ ...project, workspaceDir: path.join(file, 'ws') }), /cannot be created: .*a-file is a file/);
  });

  it('--reports naming a file, or a folder under a file', async () => {
    const project = makeProject(SMALL);
    const file = path.join(project.root, 'a-file');
    writeFileSync(file, 'x');
    expectUserMistake(await run({ ...project, reportsDir: file }), /the reports directory .*a-file is a file, not a directory/);
    expectUserMistake(await run({ ...project, reportsDir: path.join(file, 'r') }), /the reports directory .* cannot be created: .*a-file is a file/);
  });

  it.runIf(canMakeReadOnlyDir)('--reports in a directory nobody may write', async () => {
    const project = makeProject(SMALL);
    const out = await run({ ...project, reportsDir: path.join(readOnlyDir(), 'reports') });
    expectUserMistake(out, /the reports directory .* is not writable/);
  });

  it('a directory where the lock file should be', async () => {
    const project = makeProject(SMALL);
    mkdirSync(lockFile(project), { recursive: true });
    const out = await run(project);
    expectUserMistake(out, /lock .* is a directory, not a lock file/);
  });

  it('an empty lock file (a run killed while writing it) says it clears itself after 10 s', async () => {
    const project = makeProject(SMALL);
    mkdirSync(project.workspaceDir, { recursive: true });
    writeFileSync(lockFile(project), '');
    const out = await run(project);
    expectUserMistake(out, /empty or unreadable[\s\S]*clears itself once it is 10 s old/);
  });
});
