// Where the OS allows it, tools and verify commands run in their own PID and mount
// namespaces with their own /proc: no ancestor is visible there, so a tool cannot read
// the runner's starting environment back from /proc/<runner pid>/environ (Linux keeps a
// process's initial environment there, keys included). Support is probed once; where
// `unshare` is missing or refused (no user namespaces, seccomp, not Linux) tools run as
// before and the run notice says so.
import { spawnSync } from 'node:child_process';

export interface ToolIsolation {
  /** `namespaces`: own PID + mount namespaces; `none`: plain child processes. */
  mode: 'namespaces' | 'none';
  /** The command line to put in front of the launcher (empty for `none`). */
  prefix: string[];
  /** One line for the run notice. */
  description: string;
}

/** Set to `off` to run tools without namespaces (to compare, or where unshare misbehaves). */
export const ISOLATION_SWITCH = 'FLUX_TOOL_ISOLATION';

// --fork: the launcher becomes PID 1 of the new namespace, so when it ends every process
// left in it ends too. --kill-child: if unshare itself is killed, so is the launcher.
const NAMESPACE_FLAGS = ['--pid', '--fork', '--mount-proc', '--kill-child'];
const CANDIDATES: string[][] = [
  ['unshare', ...NAMESPACE_FLAGS], // root (or CAP_SYS_ADMIN)
  ['unshare', '--user', '--map-root-user', ...NAMESPACE_FLAGS], // unprivileged user namespaces
];

let detected: ToolIsolation | undefined;

/** Probes once per process: a shell that must see itself as PID 1 and no other process. */
export function toolIsolation(): ToolIsolation {
  detected ??= detect(process.env[ISOLATION_SWITCH]);
  return detected;
}

function detect(setting: string | undefined): ToolIsolation {
  if (setting === 'off') {
    return { mode: 'none', prefix: [], description: `tools run without namespaces (${ISOLATION_SWITCH}=off)` };
  }
  if (process.platform !== 'linux') {
    return { mode: 'none', prefix: [], description: 'tools run without namespaces (not Linux)' };
  }
  let lastProblem = 'unshare not found';
  for (const prefix of CANDIDATES) {
    const probe = spawnSync(prefix[0] as string, [...prefix.slice(1), 'sh', '-c', 'test "$$" = 1 && test ! -e /proc/2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 5_000,
      encoding: 'utf8',
    });
    if (probe.error === undefined && probe.status === 0) {
      return {
        mode: 'namespaces',
        prefix,
        description: `tools run in their own PID and mount namespaces (${prefix.includes('--user') ? 'user namespace' : 'as root'}): the runner's /proc is out of their sight`,
      };
    }
    lastProblem = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
  }
  return {
    mode: 'none',
    prefix: [],
    description: `tools run without namespaces (unshare: ${lastProblem}): a tool can read the runner's /proc/<pid>/environ; secrets are redacted in everything written`,
  };
}
