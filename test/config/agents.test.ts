import { describe, expect, it } from 'vitest';
import { loadAgents } from '../../src/config/agents.js';
import { describeFromBody, parseAgentFile } from '../../src/config/agentFile.js';
import { formatDiagnostic as formatProblem } from '../../src/util/diagnostic.js';
import { TOOL_NAMES } from '../../src/config/types.js';
import { writeTree } from './helpers.js';

const lines = (...l: string[]) => l.join('\n');
const messages = (file: string, text: string) => parseAgentFile(file, text).problems.map((p) => formatProblem(p));

describe('parseAgentFile', () => {
  it('reads Claude Code front matter with tools as a comma string', () => {
    const { agent, problems } = parseAgentFile('/a/dit.md', lines('---', 'name: dit-agent', 'description: Implements the DiT', 'tools: Read, Write , Bash', 'model: opus', 'maxTurns: 60', '---', 'You write model.py.', ''));
    expect(problems).toEqual([]);
    expect(agent).toMatchObject({ name: 'dit-agent', description: 'Implements the DiT', tools: ['Read', 'Write', 'Bash'], model: 'opus', maxTurns: 60, prompt: 'You write model.py.', extra: {} });
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

  it('without front matter takes the name from the file and the description from the first heading', () => {
    const { agent, problems } = parseAgentFile('/a/vae-agent.md', lines('', '# Implements the VAE decoder', '', 'You write the VAE.'));
    expect(problems).toEqual([]);
    expect(agent).toMatchObject({ name: 'vae-agent', description: 'Implements the VAE decoder', tools: [...TOOL_NAMES] });
  });

  it('falls back to the first paragraph for the description', () => {
    expect(describeFromBody('You write\nconfigs.\n\n## Rules\nmore')).toBe('You write configs.');
    const { agent } = parseAgentFile('/a/x.md', lines('---', 'name: x', '---', 'Writes configs for Triton.', '', 'More.'));
    expect(agent?.description).toBe('Writes configs for Triton.');
  });

  it('keeps unknown keys in extra and warns at their line, suggesting the intended key', () => {
    const { agent, problems } = parseAgentFile('/a/x.md', lines('---', 'name: x', 'color: blue', 'max_turns: 5', '---', 'Prompt.'));
    expect(agent?.extra).toEqual({ color: 'blue', max_turns: 5 });
    expect(problems.map((p) => formatProblem(p))).toEqual([
      expect.stringMatching(/^\/a\/x\.md:3:1: warning: unknown front-matter key `color` is ignored\n  hint: known keys are/),
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
    expect(messages('/a/x.md', lines('---', 'name: x', 'maxTurns: 0', '---', 'Prompt.'))).toEqual(['/a/x.md:3:11: error: `maxTurns` must be a positive integer, not 0\n  hint: e.g. `maxTurns: 40`']);
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
    const dir = writeTree({ 'a.md': 'Prompt A.', 'b.md': '---\nname: bee\n---\nPrompt B.', 'notes.txt': 'ignored' });
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
    expect(problems.map((p) => formatProblem(p))).toEqual(['/nonexistent/agents: error [config.agents-dir-not-found]: agents directory not found\n  hint: create it with one Markdown file per agent']);
  });
});
