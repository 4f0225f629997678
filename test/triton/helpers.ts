import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { Finding } from '../../src/triton/index.js';

export const CLEAN = path.resolve('test/fixtures/triton/clean');
export const CONTRACT = path.resolve('tasks/context/tensor_contract.md');

/** A private copy of the clean repository. */
export function copyClean(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'triton-check-'));
  const repo = path.join(dir, 'triton_models');
  cpSync(CLEAN, repo, { recursive: true });
  return repo;
}

/** Replaces `from` (which must occur exactly once) in repo/file and returns the 1-based line of the edit. */
export function edit(repo: string, file: string, from: string, to: string): number {
  const p = path.join(repo, file);
  const text = readFileSync(p, 'utf8');
  const at = text.indexOf(from);
  expect(at, `${from} in ${file}`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1), `${from} once in ${file}`).toBe(-1);
  writeFileSync(p, text.slice(0, at) + to + text.slice(at + from.length));
  return text.slice(0, at).split('\n').length;
}

export function lineOf(repo: string, file: string, needle: string): number {
  const text = readFileSync(path.join(repo, file), 'utf8');
  const at = text.indexOf(needle);
  expect(at, `${needle} in ${file}`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

export const errors = (findings: Finding[]): Finding[] => findings.filter((f) => f.severity === 'error');

/** The real interpreter behind `python3` (a pyenv shim costs ~1s per start; the tests start it often). */
export const PYTHON = ((): string => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || 'python3';
  } catch {
    return 'python3';
  }
})();
