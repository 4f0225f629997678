// What one git process costs the process that starts it, by how large that process is.
//
//   node bench/spawnCost.mjs [--mb 0,100,200] [--calls 100]
//
// Node starts a child by forking itself, so the time the parent's main thread spends in
// `spawn` grows with the parent's resident memory (page tables are copied). The runner sits
// at about 140 MB during a 100-task run (docs/benchmarks.md 3.7) and starts three git
// processes per task. This script holds --mb extra megabytes (touched, so resident) and times
// `git status --porcelain` in a scratch repository two ways:
//   direct: execFile from this process, as src/workspace/git.ts does;
//   helper: the same execFile in a small long-lived child (a forked Node script with a
//           32 MB heap), asked over IPC; only the helper is forked for each git process;
//   pool:   the runner's own gitRaw (dist/workspace/git.js), which writes the command to
//           a pooled /bin/sh (src/workspace/gitShell.ts, docs/benchmarks.md 3.8). Needs
//           `npm run build`. Its calls carry the runner's `-c` settings, a few µs more for git.
// It prints the median wall time of a call and this process's CPU per call (user + sys,
// children not counted): the main-thread time the call costs the runner.
import { execFile, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const sizes = arg('mb', '0,100,200').split(',').map(Number);
const calls = Number(arg('calls', '100'));

const scratch = mkdtempSync(path.join(tmpdir(), 'flux-triton-spawn-'));
const repo = path.join(scratch, 'repo');
execFileSync('git', ['init', '--quiet', repo]);
writeFileSync(path.join(repo, 'a.txt'), 'a\n');
const helperFile = path.join(scratch, 'helper.cjs');
writeFileSync(
  helperFile,
  `const { execFile } = require('node:child_process');
process.on('message', ({ id, args, cwd }) => {
  execFile('git', args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) =>
    process.send({ id, failed: Boolean(error), stdout, stderr }));
});
`,
);

const gitArgs = ['status', '--porcelain'];
const direct = () =>
  new Promise((resolve, reject) => execFile('git', gitArgs, { cwd: repo, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout))));

const helper = fork(helperFile, [], { execArgv: ['--max-old-space-size=32'] });
const waiting = new Map();
let nextId = 0;
helper.on('message', (reply) => {
  waiting.get(reply.id)?.(reply);
  waiting.delete(reply.id);
});
const viaHelper = () =>
  new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    helper.send({ id, args: gitArgs, cwd: repo });
  });

const { gitRaw } = await import('../dist/workspace/git.js');
const viaPool = () => gitRaw(repo, gitArgs);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const held = [];
try {
  console.log('| extra MB | RSS (MB) | way | wall per call, median (ms) | main-thread CPU per call (ms) |');
  console.log('|---|---|---|---|---|');
  let heldMb = 0;
  for (const mb of sizes) {
    if (mb > heldMb) held.push(Buffer.alloc((mb - heldMb) * 1e6, 1));
    heldMb = Math.max(heldMb, mb);
    for (const [way, call] of [
      ['direct', direct],
      ['helper', viaHelper],
      ['pool', viaPool],
    ]) {
      for (let i = 0; i < 10; i += 1) await call(); // warm-up
      const times = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < calls; i += 1) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      const cpu = process.cpuUsage(cpu0);
      const rss = process.memoryUsage().rss / 1048576;
      console.log(`| ${mb} | ${rss.toFixed(0)} | ${way} | ${median(times).toFixed(2)} | ${((cpu.user + cpu.system) / 1000 / calls).toFixed(2)} |`);
    }
  }
} finally {
  helper.kill();
  rmSync(scratch, { recursive: true, force: true });
}
