import { describe, expect, it } from 'vitest';
import { configError, configWarning } from '../../src/config/problems.js';
import type { Finding } from '../../src/triton/findings.js';
import { countDiagnostics, formatDiagnostic, hasErrors, sortDiagnostics } from '../../src/util/diagnostic.js';

describe('one diagnostic type for config problems and Triton findings', () => {
  const problem = configError('unknown key `nedds`', { file: '/p/tasks/g.yaml', line: 3, column: 5 }, 'did you mean `needs`?');
  const finding: Finding = { severity: 'warning', code: 'config.x', file: '/p/tasks/g.yaml', line: 3, column: 5, message: 'odd', hint: 'fix it' };

  it('prints both with the same formatter, the code only where there is one', () => {
    expect(formatDiagnostic(problem, { relativeTo: '/p' })).toBe('tasks/g.yaml:3:5: error: unknown key `nedds`\n  hint: did you mean `needs`?');
    expect(formatDiagnostic(finding, { relativeTo: '/p' })).toBe('tasks/g.yaml:3:5: warning [config.x]: odd\n  hint: fix it');
    expect(formatDiagnostic({ severity: 'error', file: '/q/x.md', message: 'm' }, { relativeTo: '/p' })).toBe('/q/x.md: error: m');
  });

  it('sorts by position with errors first at one place, and counts by severity', () => {
    const later = configWarning('later', { file: '/p/tasks/g.yaml', line: 9 });
    const sorted = sortDiagnostics([later, finding, problem]);
    expect(sorted.map((d) => d.message)).toEqual(['unknown key `nedds`', 'odd', 'later']);
    expect(countDiagnostics(sorted)).toEqual({ error: 1, warning: 2, info: 0 });
    expect(hasErrors([finding, later])).toBe(false);
    expect(hasErrors(sorted)).toBe(true);
  });
});

describe('displayPath', () => {
  it('is relative inside the current directory and absolute outside it', async () => {
    const { displayPath } = await import('../../src/util/displayPath.js');
    expect(displayPath('/home/u/proj/workspace', '/home/u/proj')).toBe('workspace');
    expect(displayPath('/home/u/proj', '/home/u/proj')).toBe('.');
    expect(displayPath('/tmp/elsewhere/ws', '/home/u/proj')).toBe('/tmp/elsewhere/ws');
    expect(displayPath('../sibling', '/home/u/proj')).toBe('/home/u/sibling');
  });
});
