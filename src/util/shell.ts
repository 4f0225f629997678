// `bash -c` with the guarantees both the agents' Bash tool and the verify commands need:
// its own process group (a timeout or an abort kills everything it started, and
// background processes cannot outlive it), secrets stripped from the environment, and
// output capped to a head and a rolling tail, where tracebacks and test summaries are.
import { spawn } from 'node:child_process';
import { scrubEnv } from './secrets.js';
import { toolIsolation } from './toolIsolation.js';

export interface ShellOptions {
  cwd: string;
  timeoutMs: number;
  /** Total characters of output kept (half head, half tail). */
  maxOutputChars: number;
  signal?: AbortSignal;
  /** Base environment; secret-looking variables are removed from it. */
  env?: NodeJS.ProcessEnv;
}

export interface ShellResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
}

/** Collects output up to a cap, keeping the head and a rolling tail. */
class OutputCollector {
  #head = '';
  #tail = '';
  #dropped = 0;
  constructor(private readonly half: number) {}

  push(chunk: string): void {
    if (this.#head.length < this.half) {
      const room = this.half - this.#head.length;
      this.#head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === '') return;
    this.#tail += chunk;
    if (this.#tail.length > this.half) {
      this.#dropped += this.#tail.length - this.half;
      this.#tail = this.#tail.slice(this.#tail.length - this.half);
    }
  }

  text(): string {
    if (this.#dropped === 0) return this.#head + this.#tail;
    return `${this.#head}\n... [${this.#dropped} characters omitted] ...\n${this.#tail}`;
  }
}

/**
 * The command does not run as our child but as the child of this launcher, a bash started
 * with the scrubbed environment: so `cat /proc/$PPID/environ` shows that environment, not
 * the runner's. The launcher also watches its stdin, a pipe only the runner holds: when the
 * runner dies (even by SIGKILL) the pipe closes and the launcher kills its whole process
 * group, so no pytest outlives the run and keeps writing into the workspace.
 */
const LAUNCHER = [
  'exec 3<&0',
  'bash -c "$1" </dev/null 3<&- &',
  'command_pid=$!',
  '{ read -r -u 3 _; kill -KILL 0; } &',
  'watcher_pid=$!',
  'wait "$command_pid"; status=$?',
  'kill "$watcher_pid" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** Rejects only when bash cannot be started; a failing command resolves with its exit code. */
export function runShellCommand(command: string, options: ShellOptions): Promise<ShellResult> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    // --norc: with a socket on stdin (how Node makes pipes) bash would think sshd started it
    // and read ~/.bashrc.
    // Where allowed, the launcher starts in its own PID and mount namespaces (see
    // toolIsolation.ts); unshare stays in the launcher's process group, so killing the
    // group still ends everything.
    const [program, ...args] = [...toolIsolation().prefix, 'bash', '--norc', '-c', LAUNCHER, 'flux-triton-launcher', command];
    const child = spawn(program as string, args, {
      cwd: options.cwd,
      env: scrubEnv(options.env ?? process.env),
      detached: true, // its own process group, so the whole tree can be killed
      stdio: ['pipe', 'pipe', 'pipe'], // stdin: never written; its end tells the launcher we are gone
    });
    child.stdin.on('error', () => undefined); // the launcher gone first: nothing to tell it
    const output = new OutputCollector(Math.floor(options.maxOutputChars / 2));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));

    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = (): void => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`could not start ${program}: ${error.message}`));
    });
    // Background processes left behind would hold the pipes open (and outlive the command).
    child.on('exit', () => killGroup());
    child.on('close', (code) => {
      child.stdin.destroy();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({ output: output.text(), exitCode: code, timedOut });
    });
  });
}
