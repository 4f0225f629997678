import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/cli/command.js';
import { COMMANDS, type CommandEntry } from '../../src/cli/commandTable.js';
import { runCli } from '../../src/cli/runCli.js';
import { ConfigError, UserError } from '../../src/errors.js';
import { captureIo } from './capture.js';

const fixtures = join(import.meta.dirname, '../fixtures/config');

/** A table with one fake command that does what the test says, to exercise the boundary. */
function tableWith(run: () => Promise<number>): CommandEntry[] {
  const command = defineCommand({
    name: 'fake',
    summary: 'A fake command',
    usage: 'flux-triton fake [--count N] [--tag T]... [--dry]',
    options: {
      count: { type: 'string', valueName: 'N', help: 'How many' },
      tag: { type: 'string', multiple: true, help: 'Tags' },
      dry: { type: 'boolean', help: 'Dry run' },
    },
    run,
  });
  return [{ name: 'fake', summary: 'A fake command', load: async () => ({ default: command }) }];
}

describe('runCli', () => {
  it('prints the command list with no arguments', async () => {
    const io = captureIo(fixtures);
    expect(await runCli([], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: flux-triton <command>/);
    for (const entry of COMMANDS) expect(io.out()).toContain(entry.summary);
  });

  it('keeps each table summary equal to the command’s own', async () => {
    for (const entry of COMMANDS) expect((await entry.load()).default.summary).toBe(entry.summary);
  });

  it('maps UserError to exit 2 with error and hint lines, no stack', async () => {
    const io = captureIo(fixtures);
    expect(
      await runCli(
        ['fake'],
        io,
        tableWith(async () => Promise.reject(new UserError('no such task T99', 'Run flux-triton plan to list tasks.'))),
      ),
    ).toBe(2);
    expect(io.err()).toBe('error: no such task T99\nhint: Run flux-triton plan to list tasks.\n');
  });

  it('maps ConfigError to exit 2 listing every problem', async () => {
    const io = captureIo('/p');
    const problems = [
      { severity: 'error' as const, message: 'one', file: '/p/g.yaml', line: 3, column: 1 },
      { severity: 'error' as const, message: 'two', hint: 'fix it', file: '/p/g.yaml', line: 1, column: 2 },
    ];
    expect(
      await runCli(
        ['fake'],
        io,
        tableWith(async () => Promise.reject(new ConfigError(problems))),
      ),
    ).toBe(2);
    expect(io.err()).toBe('g.yaml:1:2: error: two\n  hint: fix it\ng.yaml:3:1: error: one\n2 errors\n');
  });

  it('maps anything else to an internal error with the stack, exit 70', async () => {
    const io = captureIo(fixtures);
    expect(
      await runCli(
        ['fake'],
        io,
        tableWith(async () => Promise.reject(new TypeError('oops'))),
      ),
    ).toBe(70);
    expect(io.err()).toMatch(/^internal error in flux-triton, please report it/);
    expect(io.err()).toMatch(/TypeError: oops\n\s+at /);
  });

  it('parses typed options: repeatable strings, booleans, and rejects unexpected arguments', async () => {
    let seen: unknown;
    const table = tableWith(async () => 0);
    const command = (await (table[0] as CommandEntry).load()).default;
    const original = command.run;
    command.run = async (args, io) => {
      seen = args.values;
      return original(args, io);
    };
    expect(await runCli(['fake', '--tag', 'a', '--tag=b', '--dry'], captureIo(fixtures), table)).toBe(0);
    expect(seen).toEqual({ count: undefined, tag: ['a', 'b'], dry: true });
    const io = captureIo(fixtures);
    expect(await runCli(['fake', 'extra'], io, table)).toBe(2);
    expect(io.err()).toBe("error: unexpected argument 'extra' for 'fake'\nhint: Run 'flux-triton fake --help' for usage.\n");
  });

  it('explains a missing value and a value given to a boolean', async () => {
    const table = tableWith(async () => 0);
    let io = captureIo(fixtures);
    expect(await runCli(['fake', '--count'], io, table)).toBe(2);
    expect(io.err()).toMatch(/^error: option '--count' needs a value\n/);
    io = captureIo(fixtures);
    expect(await runCli(['fake', '--dry=yes'], io, table)).toBe(2);
    expect(io.err()).toMatch(/^error: option '--dry' does not take a value\n/);
  });

  it('rejects a --format outside its choices', async () => {
    const io = captureIo(fixtures);
    expect(await runCli(['plan', '--format', 'dot'], io)).toBe(2);
    expect(io.err()).toBe("error: invalid value 'dot' for --format (expected text, mermaid, json)\nhint: Run 'flux-triton plan --help' for usage.\n");
  });

  it('supports `help <command>`', async () => {
    const io = captureIo(fixtures);
    expect(await runCli(['help', 'validate'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: flux-triton validate/);
  });

  it('runs validate in-process on a fixture', async () => {
    const io = captureIo(join(fixtures, 'flux-like'));
    expect(await runCli(['validate', '--graph', 'tasks/graph.yaml'], io)).toBe(0);
    expect(io.out()).toBe('ok: tasks/graph.yaml with agents: 3 agents, 8 tasks in 3 phases\n');
  });

  it('refuses --offline without --provider claude-code, before touching anything', async () => {
    const io = captureIo(fixtures);
    expect(await runCli(['run', '--offline', '--provider', 'scripted'], io)).toBe(2);
    expect(io.err()).toMatch(/error: --offline applies only to --provider claude-code\nhint: .*--provider scripted/);
  });
});
