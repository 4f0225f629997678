// Secrets under attack: a tool reading its parent's environment back, a verify command
// dumping it, short values and well-known token shapes. Nothing from the environment may
// reach any file the runner writes, and the process tools run under holds no secret.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED } from '../../src/util/secrets.js';
import { runShellCommand } from '../../src/util/shell.js';
import { ISOLATION_SWITCH, toolIsolation } from '../../src/util/toolIsolation.js';
import { makeProject } from '../pipeline/fixture.js';
import { childEnv, mainJs, projectArgs, repo, runCli } from '../cli-run/helpers.js';

const SECRETS = {
  AWS_SECRET_ACCESS_KEY: 'abc',
  GH_PAT: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  DATABASE_URL: 'postgres://app:pw4db@db.internal:5432/prod',
  SLACK_BOT_TOKEN: 'xoxb-1234567890-abcdefghij',
  MY_SERVICE_PASSWORD: 'correct-horse-battery',
};
/** What must never appear: each value whole, plus the password inside the URL. */
const FORBIDDEN = [...Object.values(SECRETS).filter((v) => !v.startsWith('postgres')), 'pw4db'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** `abc` as a whole word (the short one); the others anywhere. */
function leaks(text: string): string[] {
  return FORBIDDEN.filter((value) => (value.length < 6 ? new RegExp(`(?<![A-Za-z0-9_])${value}(?![A-Za-z0-9_])`).test(text) : text.includes(value)));
}

describe('redaction', () => {
  it('covers secret names whatever the value length, and common token shapes', () => {
    const env = { ...SECRETS, PATH: '/usr/bin' };
    const dump = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    const redacted = redactSecrets(`${dump}\nthe key is abc, not abcdef\nAKIAABCDEFGHIJKLMNOP sk-ant-api03-xyz`, env);
    expect(leaks(redacted)).toEqual([]);
    expect(redacted).toContain(`AWS_SECRET_ACCESS_KEY=${REDACTED}`);
    expect(redacted).toContain(`DATABASE_URL=${REDACTED}`);
    expect(redactSecrets('see mysql://root:hunter2@10.0.0.1/x', {})).toBe('see mysql://root:[REDACTED]@10.0.0.1/x');
    expect(redacted).toContain('not abcdef'); // a short value is replaced as a word only
    expect(redacted).toContain('PATH=/usr/bin');
    expect(redacted).not.toMatch(/AKIA[A-Z]{16}|sk-ant-api03/);
    // Code in a transcript is not mangled: lower-case assignments are not env dumps.
    expect(redactSecrets('token = tokenizer(prompt)', env)).toBe('token = tokenizer(prompt)');
  });
});

describe('the environment a tool can read back', () => {
  it("cat /proc/$PPID/environ shows the scrubbed environment, not the runner's", async () => {
    const result = await runShellCommand("tr '\\0' '\\n' < /proc/$PPID/environ", {
      cwd: repo,
      timeoutMs: 10_000,
      maxOutputChars: 100_000,
      env: { ...childEnv(), ...SECRETS },
    });
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/^PATH=/m); // it did read an environment
    expect(leaks(result.output)).toEqual([]);
    expect(result.output).not.toMatch(/AWS_SECRET_ACCESS_KEY|GH_PAT|SLACK_BOT_TOKEN/);
  });

  it("a run whose agent and verify command dump their parents' environments writes no secret anywhere", async () => {
    const dumpAll = "for p in $PPID $(ps -o ppid= -p $PPID); do tr '\\0' '\\n' < /proc/$p/environ; done; echo DB=$DATABASE_URL";
    const project = makeProject([
      {
        id: 'C1',
        phase: 'configs',
        verify: [{ run: `${dumpAll}; test -s out/C1.txt` }],
        turns: [
          { text: 'Looking around.', tools: [{ Bash: { command: dumpAll } }] },
          { text: 'Writing.', tools: [{ Write: { file_path: 'out/C1.txt', content: 'C1 output\n' } }] },
          { text: 'Done.' },
        ],
      },
    ]);
    const out = await runCli(project, [], childEnv(SECRETS));
    expect(out.code, out.stderr).toBe(0);
    const written = filesUnder(project.reportsDir);
    expect(written.some((f) => f.endsWith('C1.jsonl'))).toBe(true);
    for (const file of written) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
    expect(leaks(out.stdout + out.stderr)).toEqual([]);
    // The transcript did see an environment dump (the attack ran), only redacted.
    const transcript = readFileSync(written.find((f) => f.endsWith('C1.jsonl')) as string, 'utf8');
    expect(transcript).toMatch(/PATH=/);
    const history = execFileSync('git', ['-C', project.workspaceDir, 'log', '-p'], { encoding: 'utf8' });
    expect(leaks(history)).toEqual([]);
  });
});

describe('a secret written into an output', () => {
  it('is never committed: the task fails and the output is set aside redacted', async () => {
    const grandparent = "mkdir -p out && tr '\\0' '\\n' < /proc/$(ps -o ppid= -p $PPID | tr -d ' ')/environ > out/C1.txt";
    const project = makeProject([
      { id: 'C1', phase: 'configs', turns: [{ text: 'Collecting.', tools: [{ Bash: { command: grandparent } }] }, { text: 'Done.' }] },
    ]);
    // Without namespaces (forced here) the grandparent is the runner itself: the safety net.
    const out = await runCli(project, [], childEnv({ ...SECRETS, [ISOLATION_SWITCH]: 'off' }));
    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout + out.stderr).toMatch(/hold the value of a secret/);
    const written = filesUnder(project.reportsDir);
    const aside = written.find((f) => f.endsWith(path.join('failed', 'C1', 'out', 'C1.txt')));
    expect(aside, 'the output was set aside').toBeDefined();
    expect(readFileSync(aside as string, 'utf8')).toMatch(/PATH=/);
    for (const file of written) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
    expect(leaks(execFileSync('git', ['-C', project.workspaceDir, 'log', '-p', '--all'], { encoding: 'utf8' }))).toEqual([]);
  });
});

describe('children of a killed runner', () => {
  it("a SIGKILLed runner takes its tool's whole process group with it", async () => {
    const shellJs = path.join(repo, 'dist/util/shell.js');
    const script = `import { runShellCommand } from ${JSON.stringify(shellJs)};
      runShellCommand('sleep 60 & echo $! ; wait', { cwd: '/', timeoutMs: 60000, maxOutputChars: 1000 });
      setInterval(() => {}, 1000);`;
    const runner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    // The sleep is the launcher's grandchild; find it by its parent chain.
    let sleepPid: number | undefined;
    for (let i = 0; i < 100 && sleepPid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const ps = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
      const launcher = ps.split('\n').find((l) => l.includes('flux-triton-launcher') && l.includes('sleep 60'));
      const pgid = launcher?.trim().split(/\s+/)[1];
      const sleep = ps.split('\n').find((l) => pgid && l.trim().split(/\s+/)[1] === pgid && /\bsleep 60$/.test(l.trim()));
      if (sleep) sleepPid = Number(sleep.trim().split(/\s+/)[0]);
    }
    expect(sleepPid, 'the tool process started').toBeDefined();
    runner.kill('SIGKILL');
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 60 && alive(sleepPid as number); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(sleepPid as number)).toBe(false);
  });
});

/**
 * Every way up to the runner from inside a tool: the parent, each ancestor by its stat
 * line, every /proc/<pid>/environ visible, and the runner's own pid (RUNNER_PID, set by
 * the shell that execs the runner, so it is the runner's pid).
 */
const ATTACK = [
  'echo "parent:"; tr "\\0" "\\n" < /proc/$PPID/environ',
  'p=$$; while [ "$p" -gt 1 ]; do p=$(cut -d" " -f4 /proc/$p/stat); echo "ancestor $p:"; tr "\\0" "\\n" < /proc/$p/environ; done',
  'for f in /proc/[0-9]*/environ; do grep -qa AWS_SECRET_ACCESS_KEY "$f" 2>/dev/null && echo "KEY SEEN in $f"; done',
  'echo "runner $RUNNER_PID:"; cat /proc/$RUNNER_PID/environ 2>&1 | tr "\\0" "\\n"',
].join('; ');

describe.skipIf(toolIsolation().mode !== 'namespaces')(`tools in their own PID namespace (${toolIsolation().description})`, () => {
  it("a tool and a verify command cannot read the runner's environment by any /proc path", async () => {
    const project = makeProject([
      {
        id: 'C1',
        phase: 'configs',
        // The verify command fails if it sees the key anywhere; a Python check still runs inside.
        verify: [
          {
            run: `saw=$( (${ATTACK}) 2>&1); echo "$saw" | grep -q "^parent:" && ! echo "$saw" | grep -q "KEY SEEN\\|AWS_SECRET" && python3 -c "import os, sys; sys.exit(os.path.exists('/proc/' + os.environ['RUNNER_PID']))"`,
          },
        ],
        turns: [{ text: 'Looking.', tools: [{ Bash: { command: `mkdir -p out && (${ATTACK}) > out/C1.txt 2>&1; true` } }] }, { text: 'Done.' }],
      },
    ]);
    const env = childEnv(SECRETS);
    const runner = spawn(
      'sh',
      ['-c', 'export RUNNER_PID=$$; exec "$0" "$@"', process.execPath, mainJs, 'run', ...projectArgs(project), '--provider', 'scripted'],
      {
        cwd: project.root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    runner.stdout.setEncoding('utf8').on('data', (d: string) => (log += d));
    runner.stderr.setEncoding('utf8').on('data', (d: string) => (log += d));
    const code = await new Promise<number | null>((resolve) => runner.on('close', resolve));
    // A leak would fail the task (its output or its verify command holds the key).
    expect(code, log).toBe(0);
    const seen = readFileSync(path.join(project.workspaceDir, 'out/C1.txt'), 'utf8');
    expect(seen).toMatch(/^parent:\n(.+\n)*PATH=/m); // the attack ran and read its parent
    expect(seen).toMatch(new RegExp(`runner ${runner.pid}:\\n.*No such file`)); // the runner is out of sight
    expect(seen).not.toMatch(/KEY SEEN|AWS_SECRET_ACCESS_KEY/);
    expect(leaks(seen)).toEqual([]);
    const state = readFileSync(path.join(project.reportsDir, 'runs', readdirSync(path.join(project.reportsDir, 'runs'))[0] as string, 'state.json'), 'utf8');
    expect(state).toContain('own PID and mount namespaces');
  });
});
