// Git processes started by a small long-lived shell instead of by the runner itself.
//
// Node starts a child by forking the whole runner, and on Linux that costs the main thread
// time in proportion to the runner's resident memory: 3–4 ms at the ~140 MB of a run, per
// git process, more than git's own work for a `status` or an `add` (docs/benchmarks.md
// §3.7–3.8). A `/bin/sh` of a megabyte forks for a fraction of that. So each git call is
// written to an idle shell of a small pool as one command line; the shell runs it with
// stdin from /dev/null, then prints a marker with a per-shell random nonce and the exit
// status on stdout and a marker after git's stderr, which is how the runner knows where
// the command's output ends. When every shell is busy the caller spawns git itself, as it did
// before, so the pool only ever makes a call cheaper and never makes one wait.
//
// The shells run in their own process group: a Ctrl-C at the terminal reaches the runner,
// which winds down in order, and not a `git commit` halfway through writing the index.
// When the runner exits, even by SIGKILL, a shell's stdin closes and it exits after the
// command it is running.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { constants } from 'node:os';

/** What one git process did. */
export interface GitOutcome {
  code: number;
  /** Set when a signal ended git (a shell reports that as a status above 128, with nothing on stderr). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** `off` has every git process spawned by the runner itself (the way before the pool). */
export const GIT_SHELL_SWITCH = 'FLUX_GIT_SHELL';

/**
 * Shells kept at most, each started when calls first overlap that far. Task commits run
 * one at a time, but a rerun's cache check asks one `git diff` per task side by side, as
 * many as the run's concurrency (at most 8 by default); past this, calls spawn git directly.
 */
const POOL_SIZE = 8;

/** The shell could not be started, so the command never ran: the caller may spawn git itself. */
export class GitShellNotStarted extends Error {}

/** `text` quoted for a POSIX shell: in single quotes, each `'` closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * One stream of a shell, read up to the next marker line (`marker` then anything up to a
 * newline). Chunks are kept as they come and joined once, when the marker line is whole,
 * so a large output costs linear time.
 */
export class MarkedStream {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Where the marker starts, once seen. */
  private markerAt: number | undefined;

  constructor(private readonly marker: Buffer) {}

  /** Adds a chunk; once the marker line is whole, returns what came before it and the rest of its line. */
  push(chunk: Buffer): { before: Buffer; rest: Buffer } | undefined {
    const start = this.length;
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.markerAt === undefined) {
      // The marker can straddle chunks: search this chunk with the end of the ones before.
      const from = Math.max(0, start - (this.marker.length - 1));
      const window = this.tail(from);
      const at = window.indexOf(this.marker);
      if (at < 0) return undefined;
      this.markerAt = from + at;
    }
    // The rest of the marker's line is a few bytes (the exit status), so this search is short.
    const lineFrom = this.markerAt + this.marker.length;
    const newline = this.tail(lineFrom).indexOf(0x0a);
    if (newline < 0) return undefined;
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.length);
    const end = lineFrom + newline;
    const found = { before: all.subarray(0, this.markerAt), rest: all.subarray(lineFrom, end) };
    const after = all.subarray(end + 1);
    this.chunks = after.length > 0 ? [after] : [];
    this.length = after.length;
    this.markerAt = undefined;
    // Whatever followed belongs to the next command; its marker cannot be there yet (one command at a time).
    return found;
  }

  /** The bytes from absolute offset `from` to the end (only the last chunks are joined). */
  private tail(from: number): Buffer {
    let offset = this.length;
    let first = this.chunks.length;
    while (first > 0 && offset > from) {
      first -= 1;
      offset -= (this.chunks[first] as Buffer).length;
    }
    const joined = first === this.chunks.length - 1 ? (this.chunks[first] as Buffer) : Buffer.concat(this.chunks.slice(first));
    return joined.subarray(from - offset);
  }
}

interface Pending {
  resolve: (outcome: GitOutcome) => void;
  reject: (error: Error) => void;
  stdout?: { before: Buffer; rest: Buffer };
  stderr?: Buffer;
}

class GitShell {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly out = new MarkedStream(Buffer.from(`\0${this.nonce}:`));
  private readonly err = new MarkedStream(Buffer.from(`\0${this.nonce}`));
  private pending: Pending | undefined;
  dead = false;

  constructor(readonly environment: string) {
    // cwd '/': every command names its directory (`git -C`); the shell must not keep a
    // workspace directory in use, nor depend on one that is deleted later.
    this.child = spawn('/bin/sh', [], { cwd: '/', detached: true, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.on('error', (error) => this.die(new GitShellNotStarted(`the git shell could not be started: ${error.message}`)));
    // 'exit' only stops new commands; the command in flight is judged at 'close', once all
    // its output has been read, so a shell told to end still delivers its last result.
    this.child.on('exit', () => {
      this.dead = true;
    });
    this.child.on('close', (code, signal) =>
      this.die(new Error(`the shell running git ended (${signal ?? `exit status ${code}`}) before git's result came back`)),
    );
    this.child.stdin.on('error', () => undefined); // the shell gone: 'close' reports it
    this.child.stdout.on('data', (chunk: Buffer) => {
      const found = this.out.push(chunk);
      if (found && this.pending) this.pending.stdout = found;
      this.settle();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      const found = this.err.push(chunk);
      if (found && this.pending) this.pending.stderr = found.before;
      this.settle();
    });
    // The shell's own words must not read as git's stderr: fd 3 keeps the stderr pipe for
    // git and the markers, and the shell's fd 2 is /dev/null.
    this.child.stdin.write('exec 3>&2 2>/dev/null\n');
    this.release();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.pending !== undefined || this.dead;
  }

  run(dir: string, args: readonly string[]): Promise<GitOutcome> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.hold();
      const command = ['git', '-C', dir, ...args].map(shellQuote).join(' ');
      // In a subshell that execs git, so the shell's report of a signal that ended git
      // ("Killed", printed where the waited-for command's stderr points) goes to /dev/null.
      this.child.stdin.write(
        `( exec ${command} </dev/null 2>&3 ) 2>/dev/null; printf '\\000%s:%d\\n' ${this.nonce} "$?"; printf '\\000%s\\n' ${this.nonce} >&3\n`,
      );
    });
  }

  /** Closes the shell's input: it exits once the command it is running, if any, is done. */
  end(): void {
    if (!this.dead) this.child.stdin.end();
    this.dead = true;
  }

  private settle(): void {
    const pending = this.pending;
    if (!pending?.stdout || pending.stderr === undefined) return;
    this.pending = undefined;
    this.release();
    const code = Number(pending.stdout.rest.toString('latin1'));
    const outcome: GitOutcome = { code, stdout: pending.stdout.before.toString('utf8'), stderr: pending.stderr.toString('utf8') };
    // git's own failures exit 1, 128 or (usage) 129 and say why on stderr; a silent status
    // above 128 is the shell's report of a signal, which a direct spawn sees as such.
    if (code > 128 && outcome.stderr === '') outcome.signal = signalName(code - 128);
    pending.resolve(outcome);
  }

  private die(error: Error): void {
    this.dead = true;
    const pending = this.pending;
    this.pending = undefined;
    this.release();
    pending?.reject(error);
  }

  // An idle shell must not keep the runner alive; one running git must, like a direct child.
  private hold(): void {
    this.child.ref();
    (this.child.stdout as Socket).ref();
    (this.child.stderr as Socket).ref();
  }

  private release(): void {
    this.child.unref();
    (this.child.stdout as Socket).unref();
    (this.child.stderr as Socket).unref();
  }
}

/** `SIGKILL` for 9, as Node names signals; `signal 64` for one it has no name for. */
function signalName(number: number): string {
  const found = Object.entries(constants.signals).find(([, value]) => value === number);
  return found ? found[0] : `signal ${number}`;
}

const pool: GitShell[] = [];

/**
 * The environment a shell was started with: git must see what a direct spawn would see
 * now. Names hold no `=` or NUL and values no NUL, so `name NUL value NUL` pairs are
 * unambiguous (and about twice as quick to build as JSON: this runs once per git call).
 */
function environmentKey(): string {
  const env = process.env;
  let key = '';
  for (const name of Object.keys(env)) key += `${name}\0${env[name]}\0`;
  return key;
}

/**
 * Runs `git -C <dir> <args>` (dir absolute) in an idle shell of the pool. Undefined when
 * the caller should spawn git itself: every shell busy, the pool switched off, no POSIX
 * shell (Windows), or an argument git could not be given anyway (a NUL in it). Shells started under another environment (a secret withheld
 * since, a variable set) are retired first.
 */
export function runInGitShell(dir: string, args: readonly string[]): Promise<GitOutcome> | undefined {
  if (process.env[GIT_SHELL_SWITCH] === 'off' || process.platform === 'win32') return undefined;
  // A NUL cannot be in an argument; spawning directly refuses it with Node's own error.
  if (dir.includes('\0') || args.some((arg) => arg.includes('\0'))) return undefined;
  const environment = environmentKey();
  for (let i = pool.length - 1; i >= 0; i -= 1) {
    const shell = pool[i] as GitShell;
    if (shell.dead || shell.environment !== environment) {
      shell.end();
      pool.splice(i, 1);
    }
  }
  let shell = pool.find((candidate) => !candidate.busy);
  if (!shell && pool.length < POOL_SIZE) {
    shell = new GitShell(environment);
    pool.push(shell);
  }
  return shell?.run(dir, args);
}

/** Ends every shell (each exits after its current command); the next call starts new ones. */
export function closeGitShells(): void {
  for (const shell of pool.splice(0)) shell.end();
}

/** The process ids of the pool's live shells (tests). */
export function gitShellPids(): number[] {
  return pool.filter((shell) => !shell.dead).flatMap((shell) => (shell.pid === undefined ? [] : [shell.pid]));
}
