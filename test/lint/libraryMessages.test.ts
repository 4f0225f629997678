// Library layers speak in their own terms: their messages name no CLI flag (only the CLI
// knows its flags). They tag errors with a code instead, and the CLI adds the flag advice
// (src/cli/flagAdvice.ts). Comments may mention flags; string literals may not.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commandTable.js';
import { runCli } from '../../src/cli/runCli.js';
import { captureIo } from '../cli/capture.js';

const src = join(import.meta.dirname, '../../src');
/** Layers free of flags: every one but the CLI. */
const LIBRARY_DIRS = ['config', 'graph', 'scheduler', 'workspace', 'report', 'events', 'triton', 'util', 'pipeline', 'agent', 'verify', 'cost', 'import'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('library messages', () => {
  it('name no CLI flag', async () => {
    const flags = new Set<string>();
    for (const entry of COMMANDS) for (const name of Object.keys((await entry.load()).default.options)) flags.add(`--${name}`);
    const offenders: string[] = [];
    for (const file of LIBRARY_DIRS.flatMap((d) => tsFiles(join(src, d)))) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
      for (const line of code) {
        for (const literal of line.match(/(['"`])(?:(?!\1).)*\1/g) ?? []) {
          // `(?!=)`: git's `--format=…` in a git argument list is not one of ours.
          for (const flag of literal.match(/--[a-z][a-z-]*(?![a-z-]|=)/g) ?? [])
            if (flags.has(flag)) offenders.push(`${file.slice(src.length + 1)}: ${literal}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the CLI adds the flag advice to a library problem or error by its code', async () => {
    const fixtures = join(import.meta.dirname, '../fixtures/config/flux-like');
    const io = captureIo(fixtures);
    expect(await runCli(['validate', '--agents', 'no-such-dir'], io)).toBe(2);
    expect(io.out()).toContain(
      'error [config.agents-dir-not-found]: agents directory not found\n  hint: create it with one Markdown file per agent; or pass another directory with `--agents DIR`',
    );

    // A run's folder problem: the library says what is wrong, the CLI names the flag.
    const scratch = mkdtempSync(join(tmpdir(), 'advice-'));
    writeFileSync(join(scratch, 'a-file'), '');
    const run = captureIo(fixtures);
    expect(
      await runCli(
        ['run', '--graph', 'tasks/graph.yaml', '--provider', 'scripted', '--workspace', join(scratch, 'a-file'), '--reports', join(scratch, 'reports')],
        run,
      ),
    ).toBe(2);
    rmSync(scratch, { recursive: true, force: true });
    expect(run.err()).toMatch(/error: the workspace .*a-file is a file, not a directory\nhint: Use a folder .*\nhint: pass another one with `--workspace DIR`/);

    const report = captureIo(fixtures);
    expect(await runCli(['report', '--reports', 'no-such-reports'], report)).toBe(2);
    expect(report.err()).toMatch(
      /No runs found.*\nhint: Run the graph first.*\nhint: start one with `flux-triton run`, or pass the directory a run wrote to with `--reports DIR`/,
    );
  });
});
