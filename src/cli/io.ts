// What a command may touch of the outside world. Passing it in (instead of using
// `process` directly) lets tests drive the CLI in-process and capture its output.

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in flags resolve against this directory. */
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
