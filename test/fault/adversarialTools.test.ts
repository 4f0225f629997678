// Tools against what an agent's own Bash can set up in the workspace: FIFOs, huge and
// binary files, a symlink swapped after the sandbox check, and calls that never finish.
// Each call ends within its deadline with a tool error that says what happened.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolName } from '../../src/config/types.js';
import type { ToolContext } from '../../src/agent/tools/context.js';
import { withDeadline } from '../../src/agent/tools/deadline.js';
import { readRegularFile } from '../../src/agent/tools/regularFile.js';
import { executeToolCall } from '../../src/agent/tools/registry.js';
import { openWorkspace, resolveInWorkspace, WriteScope } from '../../src/agent/tools/sandbox.js';
import { makeTree, tempDir } from '../agent/helpers.js';

const ALL: ToolName[] = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash'];
/** Every tool call here must come back well within this. */
const DEADLINE_MS = 5_000;

async function context(files: Record<string, string> = {}): Promise<ToolContext> {
  const root = await makeTree(files);
  return { workspace: await openWorkspace(root), writeScope: new WriteScope(['out/**']), bashTimeoutMs: 10_000 };
}

async function call(ctx: ToolContext, name: string, input: unknown) {
  const started = Date.now();
  const outcome = await executeToolCall({ name, input }, ALL, ctx);
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  return outcome;
}

describe('FIFOs made by the agent', () => {
  it('Read, Edit and Write of a FIFO are refused at once; Grep skips it', async () => {
    const ctx = await context({ 'out/a.txt': 'needle\n' });
    execFileSync('mkfifo', [path.join(ctx.workspace.root, 'out/f')]);
    for (const [tool, input] of [
      ['Read', { file_path: 'out/f' }],
      ['Edit', { file_path: 'out/f', old_string: 'a', new_string: 'b' }],
      ['Write', { file_path: 'out/f', content: 'x' }],
    ] as const) {
      const outcome = await call(ctx, tool, input);
      expect(outcome.isError, tool).toBe(true);
      expect(outcome.content, tool).toMatch(/FIFO/);
    }
    const grep = await call(ctx, 'Grep', { pattern: 'needle', path: 'out', output_mode: 'content' });
    expect(grep.content).toContain('out/a.txt:1:needle');
  });

  it('Read of a device is refused', async () => {
    const ctx = await context();
    await symlink('/dev/zero', path.join(ctx.workspace.root, 'zero'));
    const outcome = await call(ctx, 'Read', { file_path: 'zero' });
    expect(outcome.isError).toBe(true);
  });
});

describe('huge and binary files', () => {
  it('a 64 MB file is refused by Read with a hint, skipped by Grep', async () => {
    const ctx = await context({ 'small.txt': 'needle\n' });
    const huge = path.join(ctx.workspace.root, 'huge.log');
    await writeFile(huge, '');
    await truncate(huge, 64 * 1024 * 1024); // sparse: costs no disk
    const read = await call(ctx, 'Read', { file_path: 'huge.log' });
    expect(read).toMatchObject({ isError: true, content: expect.stringMatching(/67108864 bytes, more than .*Grep/) });
    const grep = await call(ctx, 'Grep', { pattern: 'needle', output_mode: 'files_with_matches' });
    expect(grep.content).toContain('small.txt');
  });

  it('a binary file is described, not dumped', async () => {
    const ctx = await context();
    await writeFile(path.join(ctx.workspace.root, 'w.bin'), Buffer.from([0, 1, 2, 255, 0, 7]));
    const read = await call(ctx, 'Read', { file_path: 'w.bin' });
    expect(read.content).toMatch(/binary file \(6 bytes\)/);
  });
});

describe('symlink race', () => {
  it('a link swapped to point outside after the sandbox check is refused on the opened descriptor', async () => {
    const ctx = await context({ 'ok.txt': 'inside\n' });
    const outside = await tempDir('flux-outside-');
    await writeFile(path.join(outside, 'secret.txt'), 'outside\n');
    const link = path.join(ctx.workspace.root, 'l.txt');
    await symlink(path.join(ctx.workspace.root, 'ok.txt'), link);
    const checked = await resolveInWorkspace(ctx.workspace, 'l.txt'); // passes: points inside
    await rm(link);
    await symlink(path.join(outside, 'secret.txt'), link); // the swap an agent's background job could do
    await expect(readRegularFile(ctx.workspace, checked.absolute, checked.relative, 1024)).rejects.toThrow(/led outside the workspace/);
  });
});

describe('deadlines', () => {
  it('a call that never finishes is abandoned at its deadline, or shortly after an abort', async () => {
    const never = new Promise<string>(() => undefined);
    await expect(withDeadline(never, { tool: 'Glob', deadlineMs: 50 })).rejects.toThrow(/Glob did not finish within 0 s/);
    const controller = new AbortController();
    const pending = withDeadline(never, { tool: 'Read', deadlineMs: 60_000, signal: controller.signal, abortGraceMs: 20 });
    controller.abort();
    await expect(pending).rejects.toThrow(/abandoned: the session was aborted/);
    // A call that finishes within the grace is not abandoned: its result stands.
    const quick = new AbortController();
    const finishing = withDeadline(new Promise<string>((r) => setTimeout(() => r('written'), 10)), {
      tool: 'Write',
      deadlineMs: 60_000,
      signal: quick.signal,
      abortGraceMs: 500,
    });
    quick.abort();
    await expect(finishing).resolves.toBe('written');
  });

  it('a Bash that blocks on a FIFO ends at its timeout, killed with its process group', async () => {
    const ctx = await context();
    await mkdir(path.join(ctx.workspace.root, 'out'));
    execFileSync('mkfifo', [path.join(ctx.workspace.root, 'out/f')]);
    const outcome = await call(ctx, 'Bash', { command: 'cat out/f', timeout: 1 });
    expect(outcome).toMatchObject({ isError: true, content: expect.stringMatching(/timeout of 1000 ms/) });
  });
});
