import { describe, expect, it } from 'vitest';
import { loadAgents } from '../../src/config/agents.js';
import { describeFromBody, parseAgentFile } from '../../src/config/agentFile.js';
import { formatDiagnostic as formatProblem } from '../../src/util/diagnostic.js';
import { TOOL_NAMES } from '../../src/config/types.js';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTree } from './helpers.js';
import { runCli } from '../../src/cli/runCli.js';
import { captureIo } from '../cli/capture.js';

const lines = (...l: string[]) => l.join('\n');
const messages = (file: string, text: string) => parseAgentFile(file, text).problems.map((p) => formatProblem(p));

describe('parseAgentFile', () => {
  it('reads Claude Code front matter with tools as a comma string', () => {
    const { agent, problems } = parseAgentFile(
      '/a/dit.md',
      lines(
        '---',
        'name: dit-agent',
        'description: Implements the DiT',
        'tools: Read, Write , Bash',
        'model: opus',
        'maxTurns: 60',
        '---',
        'You write model.py.',
        '',
      ),
    );
    expect(problems).toEqual([]);
    expect(agent).toMatchObject({
      name: 'dit-agent',
      description: 'Implements the DiT',
      tools: ['Read', 'Write', 'Bash'],
      model: 'opus',
      maxTurns: 60,
      prompt: 'You write model.py.',
      extra: {},
    });
  });

  it('accepts tools as a YAML list and collapses repeats', () => {
    const { agent } = parseAgentFile('/a/x.md', lines('---', 'tools:', '  - Read', '  - Grep', '  - Read', '---', 'Prompt.'));
    expect(agent?.tools).toEqual(['Read', 'Grep']);
  });

  it('grants every tool when tools is omitted and treats model `inherit` as the graph default', () => {
    const { agent } = parseAgentFile('/a/x.md', lines('---', 'model: inherit', '---', 'Prompt.'));
    expect(agent?.tools).toEqual([...TOOL_NAMES]);
    expect(agent?.model).toBeUndefined();
  });

  it('without front matter takes the name from the file and the description from the first heading, warning that Claude Code would skip it', () => {
    const { agent, problems } = parseAgentFile('/a/vae-agent.md', lines('', '# Implements the VAE decoder', '', 'You write the VAE.'));
    expect(problems.map((p) => formatProblem(p))).toEqual([
      expect.stringMatching(
        /^\/a\/vae-agent\.md:1:1: warning: no front matter: .*Claude Code itself would skip this file\n  hint: add `---` lines with `name:` and `description:`/,
      ),
    ]);
    expect(agent).toMatchObject({ name: 'vae-agent', description: 'Implements the VAE decoder', tools: [...TOOL_NAMES] });
  });

  it('falls back to the first paragraph for the description', () => {
    expect(describeFromBody('You write\nconfigs.\n\n## Rules\nmore')).toBe('You write configs.');
    const { agent } = parseAgentFile('/a/x.md', lines('---', 'name: x', '---', 'Writes configs for Triton.', '', 'More.'));
    expect(agent?.description).toBe('Writes configs for Triton.');
  });

  it('keeps unknown keys in extra and warns at their line, suggesting the intended key', () => {
    const { agent, problems } = parseAgentFile('/a/x.md', lines('---', 'name: x', 'colour: blue', 'max_turns: 5', '---', 'Prompt.'));
    expect(agent?.extra).toEqual({ colour: 'blue', max_turns: 5 });
    expect(problems.map((p) => formatProblem(p))).toEqual([
      expect.stringMatching(/^\/a\/x\.md:3:1: warning: unknown front-matter key `colour` is ignored\n  hint: known keys are/),
      expect.stringMatching(/^\/a\/x\.md:4:1: warning: unknown front-matter key `max_turns` is ignored\n  hint: did you mean `maxTurns`\?/),
    ]);
  });

  it('rejects an unknown tool at its line, listing the valid ones and the closest', () => {
    expect(messages('/a/x.md', lines('---', 'name: x', 'tools: Read, bash, Teleport', '---', 'Prompt.'))).toEqual([
      '/a/x.md:3:8: error: unknown tool `bash`\n  hint: did you mean `Bash`? valid tools are `Read`, `Write`, `Edit`, `Glob`, `Grep` and `Bash`',
      '/a/x.md:3:8: error: unknown tool `Teleport`\n  hint: valid tools are `Read`, `Write`, `Edit`, `Glob`, `Grep` and `Bash`',
    ]);
  });

  it('rejects a maxTurns that is not a positive integer, at its line', () => {
    expect(messages('/a/x.md', lines('---', 'name: x', 'maxTurns: 0', '---', 'Prompt.'))).toEqual([
      '/a/x.md:3:11: error: `maxTurns` must be a positive integer, not 0\n  hint: e.g. `maxTurns: 40`',
    ]);
  });

  it('reports a YAML syntax error in front matter with its line', () => {
    const [problem] = parseAgentFile('/a/x.md', lines('---', 'name: x', 'tools: [Read, Write', 'model: opus', '---', 'Prompt.')).problems;
    expect(problem?.severity).toBe('error');
    expect(problem?.message).toMatch(/^YAML: /);
    expect(problem?.line).toBe(4);
  });

  it('rejects an empty prompt at the line where the body starts', () => {
    expect(messages('/a/x.md', lines('---', 'name: x', 'description: d', '---', '', '   '))).toEqual([
      '/a/x.md:5:1: error: the agent has no prompt: the Markdown body after the front matter is empty\n  hint: write the system prompt below the front matter',
    ]);
  });

  it('rejects front matter that is not a mapping', () => {
    expect(messages('/a/x.md', lines('---', '- a', '- b', '---', 'Prompt.'))[0]).toMatch(/^\/a\/x\.md:2:1: error: front matter must be a mapping/);
  });
});

describe('loadAgents', () => {
  it('loads every *.md in a directory', () => {
    const dir = writeTree({ 'a.md': '---\ndescription: A\n---\nPrompt A.', 'b.md': '---\nname: bee\n---\nPrompt B.', 'notes.txt': 'ignored' });
    const { agents, problems } = loadAgents(dir);
    expect(problems).toEqual([]);
    expect([...agents.keys()]).toEqual(['a', 'bee']);
  });

  it('reports a duplicate name naming both files', () => {
    const dir = writeTree({ 'one.md': '---\nname: same\n---\nP.', 'two.md': '\n---\nignored\n---', 'zz.md': '---\ndescription: d\nname: same\n---\nP.' });
    const { problems, agents } = loadAgents(dir);
    const duplicate = problems.find((p) => p.message.startsWith('duplicate'));
    expect(duplicate).toMatchObject({ file: `${dir}/zz.md`, line: 3, column: 1 });
    expect(duplicate?.message).toBe(`duplicate agent name \`same\`: also defined in ${dir}/one.md:2`);
    expect(agents.get('same')?.source.file).toBe(`${dir}/one.md`);
  });

  it('remembers agents whose files have errors, so the graph does not call them unknown', () => {
    const dir = writeTree({ 'broken.md': '---\ntools: Fly\n---\nP.' });
    const result = loadAgents(dir);
    expect(result.agents.size).toBe(0);
    expect([...result.invalidAgentNames]).toEqual(['broken']);
  });

  it('reports a missing directory with a code (the CLI adds the flag to fix it)', () => {
    const { problems } = loadAgents('/nonexistent/agents');
    expect(problems.map((p) => formatProblem(p))).toEqual([
      '/nonexistent/agents: error [config.agents-dir-not-found]: agents directory not found\n  hint: create it with one Markdown file per agent',
    ]);
  });

  it('skips a README.md and other folder documentation with a note, not as an agent', () => {
    const dir = writeTree({
      'README.md': '# Our agents\n\nHow we use them.',
      'CHANGELOG.md': '## 1.0',
      'coder.md': '---\nname: coder\ndescription: Writes code\n---\nYou code.',
    });
    const { agents, problems } = loadAgents(dir);
    expect([...agents.keys()]).toEqual(['coder']);
    expect(problems.map((p) => formatProblem(p, { relativeTo: dir }))).toEqual([
      'CHANGELOG.md: warning: skipped CHANGELOG.md: documentation, not an agent definition\n  hint: nothing to do; rename it (e.g. `docs-agent.md`) if it really is an agent',
      'README.md: warning: skipped README.md: documentation, not an agent definition\n  hint: nothing to do; rename it (e.g. `docs-agent.md`) if it really is an agent',
    ]);
  });

  it('refuses a file with NUL bytes or random bytes, naming the file and the reason', () => {
    const dir = writeTree({ 'ok.md': '---\nname: ok\n---\nP.' });
    writeFileSync(join(dir, 'nul.md'), Buffer.from('---\nname: nul\n---\nP\u0000rompt', 'utf8'));
    writeFileSync(join(dir, 'random.md'), Buffer.from([0x2d, 0x2d, 0xff, 0xfe, 0x80, 0x41, 0xc3]));
    const { agents, problems } = loadAgents(dir);
    expect([...agents.keys()]).toEqual(['ok']);
    expect(problems.map((p) => formatProblem(p, { relativeTo: dir }))).toEqual([
      'nul.md:1:1: error: not an agent definition: it contains a NUL byte at offset 19, so it is binary, not Markdown\n  hint: remove the file from the agents directory, or replace it with a Markdown agent definition',
      'random.md:1:1: error: not an agent definition: it is not valid UTF-8 text (first bad byte near offset 2)\n  hint: remove the file from the agents directory, or replace it with a Markdown agent definition',
    ]);
  });
});

describe('loadAgents on odd folder entries', () => {
  it('skips a dangling link and a folder named like an agent', () => {
    const dir = writeTree({ 'ok.md': '---\nname: ok\n---\nP.', 'folder.md/x': '' });
    symlinkSync(join(dir, 'missing.md'), join(dir, 'dangling.md'));
    const { agents, problems } = loadAgents(dir);
    expect([...agents.keys()]).toEqual(['ok']);
    expect(problems).toEqual([]);
  });
});

describe('Claude Code agent files as found in real repositories', () => {
  const claudeCodeAgent = lines(
    '---',
    'name: code-reviewer',
    'description: Expert code reviewer. Use PROACTIVELY after writing code.',
    'tools: Read, Grep, Glob, Bash(git diff:*, git log:*), WebFetch, mcp__github__create_issue',
    'model: inherit',
    'color: purple',
    'permissionMode: acceptEdits',
    'skills: [pdf]',
    '---',
    'You review code.',
  );

  it('loads with tools it lacks dropped, permission rules granted as the plain tool, and each reported as a warning', () => {
    const { agent, problems } = parseAgentFile('/c/code-reviewer.md', claudeCodeAgent);
    expect(agent).toMatchObject({
      name: 'code-reviewer',
      tools: ['Read', 'Grep', 'Glob', 'Bash'],
      extra: { color: 'purple', permissionMode: 'acceptEdits', skills: ['pdf'] },
    });
    expect(agent?.model).toBeUndefined();
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
    const text = problems.map((p) => formatProblem(p)).join('\n');
    expect(text).toContain('/c/code-reviewer.md:4:8: warning: tool `Bash(git diff:*, git log:*)` is a Claude Code permission rule: granted as `Bash`');
    expect(text).toContain('warning: tool `WebFetch` is a Claude Code tool this runner does not provide: the agent runs without it');
    expect(text).toContain('warning: tool `mcp__github__create_issue` is a Claude Code tool this runner does not provide');
    expect(text).toContain("/c/code-reviewer.md:7:1: warning: Claude Code's `permissionMode` is kept but not used");
    expect(text).toContain("/c/code-reviewer.md:8:1: warning: Claude Code's `skills` is kept but not used");
    expect(text).not.toContain('color'); // cosmetic: understood, nothing to say
  });

  it("still refuses a tool name that is neither this runner's nor Claude Code's", () => {
    expect(messages('/c/x.md', lines('---', 'tools: Read, WebFetch, Raed', '---', 'P.')).filter((m) => m.includes('error'))).toEqual([
      '/c/x.md:2:8: error: unknown tool `Raed`\n  hint: did you mean `Read`? valid tools are `Read`, `Write`, `Edit`, `Glob`, `Grep` and `Bash`',
    ]);
  });
});

describe('validate with a garbage agent file', () => {
  it('exits 2 naming the file and the reason', async () => {
    const dir = writeTree({
      'agents/coder.md': '---\nname: coder\ndescription: Writes code\n---\nYou code.',
      'tasks/graph.yaml':
        'version: 1\nname: g\nphases: [{ id: p, title: P }]\ntasks:\n  - { id: T1, title: t, phase: p, agent: coder, outputs: [a.txt], prompt: p }\n',
    });
    writeFileSync(join(dir, 'agents/blob.md'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
    const io = captureIo(dir);
    expect(await runCli(['validate', '--graph', 'tasks/graph.yaml', '--agents', 'agents'], io)).toBe(2);
    expect(io.out()).toContain('agents/blob.md:1:1: error: not an agent definition: it contains a NUL byte at offset 6, so it is binary, not Markdown');
  });
});
