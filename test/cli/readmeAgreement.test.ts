// The README's CLI reference and the commands' own option tables must say the same thing:
// a flag the README promises and the command rejects (or the reverse) fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commandTable.js';
import { EXIT, exitCodeForRun } from '../../src/cli/exitCodes.js';
import { formatCommandHelp } from '../../src/cli/help.js';
import { runCli } from '../../src/cli/runCli.js';
import { captureIo } from './capture.js';

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const flagsIn = (text: string): string[] => [...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] as string);

/** Flags the README lists for a command: its row in the command table, plus run's own table. */
function readmeFlags(name: string): string[] {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`flux-triton ${name}`));
  expect(row, `README has a row for ${name}`).toBeDefined();
  const usage = (row as string).split('` |')[0] as string;
  const flags = flagsIn(usage);
  if (name === 'run') {
    const runTable = readme.split('`run` options:')[1]?.split('\n\n')[1] ?? '';
    for (const line of runTable.split('\n').filter((l) => l.startsWith('| `--'))) flags.push(...flagsIn(line.split(' | ')[0] as string));
  }
  return [...new Set(flags)].sort();
}

describe('README and CLI agree', () => {
  for (const entry of COMMANDS) {
    it(`${entry.name}: the README lists exactly the flags the command takes`, async () => {
      const command = (await entry.load()).default;
      expect(readmeFlags(entry.name)).toEqual(Object.keys(command.options).sort());
    });
  }

  it('report takes --reports but not --workspace (it reads only the reports directory)', async () => {
    const io = captureIo('/nonexistent');
    expect(await runCli(['report', '--workspace', 'w'], io)).toBe(EXIT.usage);
    expect(io.err()).toContain("unknown option '--workspace'");
  });

  it('every --help prints the exit codes exactly once, in the README’s numbers', async () => {
    for (const entry of COMMANDS) {
      const help = formatCommandHelp((await entry.load()).default);
      expect(help.match(/exit code/gi), entry.name).toHaveLength(1);
    }
    const readmeLine = readme.slice(readme.indexOf('**Exit codes**')).split('\n\n')[0] ?? '';
    for (const code of Object.values(EXIT)) expect(readmeLine).toContain(`${code} `);
  });

  it('maps run statuses to exit codes in the CLI only', () => {
    expect([exitCodeForRun('succeeded'), exitCodeForRun('failed'), exitCodeForRun('interrupted'), exitCodeForRun('running')]).toEqual([0, 1, 130, 1]);
  });
});
