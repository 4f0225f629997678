import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolName } from '../../src/config/types.js';
import type { ToolContext } from '../../src/agent/tools/context.js';
import { executeToolCall } from '../../src/agent/tools/registry.js';
import { openWorkspace, WriteScope } from '../../src/agent/tools/sandbox.js';
import { bashTimeoutMs } from '../../src/agent/tools/bash.js';
import { makeTree, tempDir } from './helpers.js';

const ALL: ToolName[] = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'];

async function context(files: Record<string, string>, outputs = ['out/**'], bashTimeoutMsDefault = 10_000): Promise<ToolContext> {
  const root = await makeTree(files);
  return { workspace: await openWorkspace(root), writeScope: new WriteScope(outputs), bashTimeoutMs: bashTimeoutMsDefault };
}

const call = (ctx: ToolContext, name: string, input: unknown, granted = ALL) => executeToolCall({ name, input }, granted, ctx);

describe('Read', () => {
  it('numbers lines like cat -n and pages with offset/limit', async () => {
    const ctx = await context({ 'a.txt': 'one\ntwo\nthree\nfour\n' });
    const all = await call(ctx, 'Read', { file_path: 'a.txt' });
    expect(all).toEqual({ isError: false, content: '     1\tone\n     2\ttwo\n     3\tthree\n     4\tfour' });
    const page = await call(ctx, 'Read', { file_path: path.join(ctx.workspace.root, 'a.txt'), offset: 2, limit: 2 });
    expect(page.content).toBe('     2\ttwo\n     3\tthree');
  });

  it('says when it truncated a long file and how to read on', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `line ${i + 1}`).join('\n');
    const ctx = await context({ 'long.txt': lines });
    const result = await call(ctx, 'Read', { file_path: 'long.txt' });
    expect(result.content).toContain('  2000\tline 2000');
    expect(result.content).not.toContain('line 2001');
    expect(result.content).toMatch(/truncated: showed lines 1-2000 of 2500; read more with offset=2001/);
  });

  it('reports missing files and directories as tool errors', async () => {
    const ctx = await context({ 'dir/x.txt': 'x' });
    expect(await call(ctx, 'Read', { file_path: 'nope.txt' })).toMatchObject({ isError: true, content: expect.stringMatching(/does not exist/) });
    expect(await call(ctx, 'Read', { file_path: 'dir' })).toMatchObject({ isError: true, content: expect.stringMatching(/is a directory/) });
  });
});

describe('Write and Edit', () => {
  it('Write creates parent directories inside the declared outputs', async () => {
    const ctx = await context({});
    const result = await call(ctx, 'Write', { file_path: 'out/deep/new.py', content: 'print(1)\n' });
    expect(result.isError).toBe(false);
    expect(await readFile(path.join(ctx.workspace.root, 'out/deep/new.py'), 'utf8')).toBe('print(1)\n');
  });

  it('Write creates a new file, replaces an existing one whole, and writes through a link that stays inside', async () => {
    const ctx = await context({ 'out/keep.txt': 'a long first version\n' });
    expect(await call(ctx, 'Write', { file_path: 'out/new.txt', content: 'new\n' })).toMatchObject({
      isError: false,
      content: expect.stringMatching(/^Created out\/new.txt/),
    });
    expect(await call(ctx, 'Write', { file_path: 'out/keep.txt', content: 'short\n' })).toMatchObject({
      isError: false,
      content: expect.stringMatching(/^Replaced out\/keep.txt/),
    });
    expect(await readFile(path.join(ctx.workspace.root, 'out/keep.txt'), 'utf8')).toBe('short\n');
    await symlink(path.join(ctx.workspace.root, 'out/keep.txt'), path.join(ctx.workspace.root, 'out/alias.txt'));
    expect(await call(ctx, 'Write', { file_path: 'out/alias.txt', content: 'via link\n' })).toMatchObject({
      isError: false,
      content: expect.stringMatching(/^Replaced/),
    });
    expect(await readFile(path.join(ctx.workspace.root, 'out/keep.txt'), 'utf8')).toBe('via link\n');
    await mkdir(path.join(ctx.workspace.root, 'out/dir'));
    expect(await call(ctx, 'Write', { file_path: 'out/dir', content: 'x' })).toMatchObject({ isError: true, content: expect.stringMatching(/is a directory/) });
  });

  it('Write outside the outputs is refused, naming the allowed globs', async () => {
    const ctx = await context({}, ['out/**', 'models/*.pbtxt']);
    const result = await call(ctx, 'Write', { file_path: 'src/evil.py', content: 'x' });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('out/**, models/*.pbtxt');
  });

  it('never writes into .git, even with a catch-all outputs glob', async () => {
    const ctx = await context({}, ['**']);
    expect(await call(ctx, 'Write', { file_path: '.git/hooks/pre-commit', content: 'x' })).toMatchObject({
      isError: true,
      content: expect.stringMatching(/\.git directory/),
    });
  });

  it('Edit replaces a unique match, refuses ambiguous ones with the count, and honours replace_all', async () => {
    const ctx = await context({ 'out/a.py': 'x = 1\ny = 1\nz = 2\n' });
    const ambiguous = await call(ctx, 'Edit', { file_path: 'out/a.py', old_string: '= 1', new_string: '= 3' });
    expect(ambiguous.isError).toBe(true);
    expect(ambiguous.content).toMatch(/occurs 2 times/);
    expect(await call(ctx, 'Edit', { file_path: 'out/a.py', old_string: 'z = 2', new_string: 'z = $&' })).toMatchObject({ isError: false });
    expect(await call(ctx, 'Edit', { file_path: 'out/a.py', old_string: '= 1', new_string: '= 3', replace_all: true })).toMatchObject({
      isError: false,
      content: expect.stringContaining('2 occurrence'),
    });
    expect(await readFile(path.join(ctx.workspace.root, 'out/a.py'), 'utf8')).toBe('x = 3\ny = 3\nz = $&\n');
    const missing = await call(ctx, 'Edit', { file_path: 'out/a.py', old_string: 'nothing', new_string: 'x' });
    expect(missing).toMatchObject({ isError: true, content: expect.stringMatching(/not found/) });
  });

  it('Edit outside the outputs is refused before reading', async () => {
    const ctx = await context({ 'ref.py': 'a = 1\n' });
    expect(await call(ctx, 'Edit', { file_path: 'ref.py', old_string: 'a', new_string: 'b' })).toMatchObject({
      isError: true,
      content: expect.stringMatching(/declared outputs/),
    });
  });
});

describe('path sandbox', () => {
  it('refuses .. traversal and absolute paths outside the workspace', async () => {
    const ctx = await context({ 'out/a.txt': 'a' }, ['**']);
    const up = await call(ctx, 'Read', { file_path: '../../etc/passwd' });
    expect(up).toMatchObject({ isError: true, content: expect.stringMatching(/outside the workspace/) });
    const sneaky = await call(ctx, 'Write', { file_path: 'out/../../escape.txt', content: 'x' });
    expect(sneaky).toMatchObject({ isError: true, content: expect.stringMatching(/outside the workspace/) });
    const absolute = await call(ctx, 'Read', { file_path: '/etc/hostname' });
    expect(absolute).toMatchObject({ isError: true, content: expect.stringMatching(/absolute path outside/) });
  });

  it('refuses symlinks (in any path component) that lead outside', async () => {
    const outside = await makeTree({ 'secret.txt': 'top secret' });
    const ctx = await context({}, ['**']);
    await symlink(path.join(outside, 'secret.txt'), path.join(ctx.workspace.root, 'link.txt'));
    await symlink(outside, path.join(ctx.workspace.root, 'linkdir'));
    for (const input of [
      { name: 'Read', args: { file_path: 'link.txt' } },
      { name: 'Read', args: { file_path: 'linkdir/secret.txt' } },
      { name: 'Write', args: { file_path: 'linkdir/new.txt', content: 'x' } },
      { name: 'Grep', args: { pattern: 'secret', path: 'linkdir' } },
    ]) {
      const result = await call(ctx, input.name, input.args);
      expect(result.isError, input.name).toBe(true);
      expect(result.content).toMatch(/symbolic link that leads outside/);
    }
    // Grep over the whole workspace does not read through the link either.
    expect((await call(ctx, 'Grep', { pattern: 'top secret' })).content).toMatch(/No matches/);
  });

  it('allows symlinks that stay inside the workspace', async () => {
    const ctx = await context({ 'real.txt': 'inside' });
    await symlink(path.join(ctx.workspace.root, 'real.txt'), path.join(ctx.workspace.root, 'alias.txt'));
    expect((await call(ctx, 'Read', { file_path: 'alias.txt' })).content).toContain('inside');
  });
});

describe('Glob and Grep', () => {
  it('Glob lists sorted matches relative to the root, skipping .git and node_modules', async () => {
    const ctx = await context({
      'b/model.py': '',
      'a/model.py': '',
      'a/config.pbtxt': '',
      '.git/hooks/x.py': '',
      'node_modules/m/index.py': '',
    });
    expect((await call(ctx, 'Glob', { pattern: '**/*.py' })).content).toBe('a/model.py\nb/model.py');
    expect((await call(ctx, 'Glob', { pattern: '*.pbtxt', path: 'a' })).content).toBe('a/config.pbtxt');
    expect((await call(ctx, 'Glob', { pattern: '*.md' })).content).toMatch(/No files match/);
  });

  it('Grep prints path:line:text, filters by glob and skips binary files', async () => {
    const ctx = await context({
      'a.py': 'import torch\nx = 1\n',
      'b.txt': 'import torch in text\n',
      'sub/c.py': 'def f():\n    import torch\n',
      'bin.dat': 'import torch\0binary',
    });
    expect((await call(ctx, 'Grep', { pattern: 'import torch', glob: '*.py' })).content).toBe('a.py:1:import torch\nsub/c.py:2:    import torch');
    expect((await call(ctx, 'Grep', { pattern: 'torch' })).content).not.toContain('bin.dat');
    expect(await call(ctx, 'Grep', { pattern: '(' })).toMatchObject({ isError: true, content: expect.stringMatching(/Invalid regular expression/) });
  });
});

describe('Bash', () => {
  it('runs in the workspace and reports non-zero exits as errors', async () => {
    const ctx = await context({ 'hello.txt': 'hi' });
    expect(await call(ctx, 'Bash', { command: 'cat hello.txt && pwd' })).toEqual({
      isError: false,
      content: `hi${ctx.workspace.root}`,
    });
    expect(await call(ctx, 'Bash', { command: 'echo oops >&2; exit 3' })).toEqual({ isError: true, content: 'oops\n[exit code 3]' });
  });

  it('kills the whole process group on timeout', async () => {
    const ctx = await context({}, ['**'], 300);
    const marker = path.join(ctx.workspace.root, 'late.txt');
    const started = Date.now();
    const result = await call(ctx, 'Bash', { command: `(sleep 1; touch ${marker}) & sleep 5` });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ isError: true, content: expect.stringMatching(/timeout of 300 ms/) });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await expect(readFile(marker)).rejects.toThrow();
  });

  it('caps long output, keeping head and tail', async () => {
    const ctx = await context({});
    const result = await call(ctx, 'Bash', { command: 'seq 1 20000' });
    expect(result.content.startsWith('1\n2\n')).toBe(true);
    expect(result.content.endsWith('20000')).toBe(true);
    expect(result.content).toMatch(/characters omitted/);
    expect(result.content.length).toBeLessThan(31_000);
  });

  it('reads small timeouts as seconds and caps at 600 s', () => {
    expect(bashTimeoutMs(undefined, 120_000)).toBe(120_000);
    expect(bashTimeoutMs(600, 120_000)).toBe(600_000);
    expect(bashTimeoutMs(5000, 120_000)).toBe(5000);
    expect(bashTimeoutMs(9_999_999, 120_000)).toBe(600_000);
  });
});

describe('call validation', () => {
  it('refuses tools the agent was not granted, naming the granted ones', async () => {
    const ctx = await context({});
    const result = await call(ctx, 'Bash', { command: 'ls' }, ['Read', 'Glob']);
    expect(result).toEqual({ isError: true, content: 'Tool Bash is not granted to this agent. Granted tools: Read, Glob.' });
  });

  it('explains unknown tools and bad input', async () => {
    const ctx = await context({});
    expect((await call(ctx, 'Delete', { file_path: 'x' })).content).toMatch(/Unknown tool "Delete"/);
    const missing = await call(ctx, 'Write', { file_path: 'out/x' });
    expect(missing.isError).toBe(true);
    expect(missing.content).toContain('content: Invalid input: expected string, received undefined');
    expect(missing.content).toContain('Expected input: Write {file_path: string, content: string}');
    const wrongType = await call(ctx, 'Read', { file_path: 42 });
    expect(wrongType.content).toMatch(/file_path: Invalid input: expected string/);
  });

  it('reports malformed and truncated input without running the tool', async () => {
    const ctx = await context({});
    const malformed = await executeToolCall({ name: 'Write', input: {}, malformedInput: '{"file_path": oops' }, ALL, ctx);
    expect(malformed).toMatchObject({ isError: true, content: expect.stringMatching(/not valid JSON/) });
    const truncated = await executeToolCall({ name: 'Write', input: {}, truncatedInput: true }, ALL, ctx);
    expect(truncated).toMatchObject({ isError: true, content: expect.stringMatching(/cut off \(max_tokens\)/) });
  });

  it('never crashes on a failing tool', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'out'), { recursive: true });
    await writeFile(path.join(dir, 'out', 'file'), 'x');
    const ctx: ToolContext = { workspace: await openWorkspace(dir), writeScope: new WriteScope(['**']), bashTimeoutMs: 1000 };
    // Writing below a regular file fails inside fs; the registry turns it into a tool error.
    const result = await call(ctx, 'Write', { file_path: 'out/file/below.txt', content: 'x' });
    expect(result.isError).toBe(true);
  });
});
