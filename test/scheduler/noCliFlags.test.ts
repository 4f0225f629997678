// The scheduler is a library layer: its messages name settings, never CLI flags (only the
// CLI knows its flags and adds that advice). Comments may mention flags; strings may not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/scheduler');

describe('scheduler messages', () => {
  it('name no CLI flag', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const code = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
      for (const line of code) {
        for (const literal of line.match(/(['"`])(?:(?!\1).)*\1/g) ?? []) {
          if (/(^|[\s(`'"])--[a-z]/.test(literal)) offenders.push(`${file}: ${literal}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
