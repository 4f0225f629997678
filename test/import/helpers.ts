// Fixtures for the import tests are copied to a temporary folder: the importer writes
// its graph and context copies beside tasks.md, and the write-back edits tasks.md.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../..');

export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'flux-triton-speckit-'));
  cpSync(join(import.meta.dirname, '../fixtures/spec-kit', name), dir, { recursive: true });
  return dir;
}
