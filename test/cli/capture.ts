// An in-memory CliIo, so runCli can be tested without spawning a process.

import type { CliIo } from '../../src/cli/io.js';

export function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}
