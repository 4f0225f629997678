// The runner's own cost per task next to the floor, measured side by side in one process.
//
//   npm run build && node bench/overhead.mjs [--tasks 100] [--concurrency 1,8] [--samples 40] [--count-git] [--json]
//   node bench/overhead.mjs --tasks 1000 --concurrency 8 --samples 10   # the 1,000-task offline run
//   node --expose-gc bench/overhead.mjs --tasks 1000 --concurrency 8 --samples 4 --heap   # heap vs tasks finished
//
// Graph: N independent tasks in one phase, each one scripted turn that writes one file
// (out/T<i>.txt) and no verify, played by the scripted provider at zero latency. A session
// needs two requests (the Write tool call, then the end_turn after its result).
//
// Floor (same process): in a scratch repository, one `git add` + `git commit` of one new
// file, plus one SDK round trip (messages.create) to a local scripted server. On this
// shared machine one slice of samples swung 10–38 ms from one run to the next, so the
// --samples are taken in equal slices before the first run, between runs and after the
// last, and the ratio uses the median of all of them; the range and middle half are
// printed so a noisy floor shows. Runner time per task = wall of runPipeline (load,
// workspace, every session, verify, commit, state, reports) / N. The ratio divides that
// by the floor; at concurrency > 1 it is wall / N too, so it counts the parallelism the
// runner gets out of the machine as well.
//
// Also: every task committed (git log count), peak RSS (sampled every 20 ms), the cached
// rerun of the same workspace, and with --count-git the git processes per task of the
// cold run by subcommand (GIT_TRACE; `maintenance`, git's own auto-gc, left out).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const taskCount = Number(arg('tasks', '100'));
const concurrencies = arg('concurrency', '1,8').split(',').map(Number);
const samples = Number(arg('samples', '40'));
const json = process.argv.includes('--json');
// Git processes of the cold run by subcommand (GIT_TRACE to a file): costs a little time, so off by default.
const countGit = process.argv.includes('--count-git');
// The heap after a full GC at every tenth of the cold run's commits: whether what the run
// keeps (events, transcripts, state) grows with the tasks already finished. Needs
// `node --expose-gc`; the collections cost time, so off by default and not for ratios.
const heapTrack = process.argv.includes('--heap');
if (heapTrack && typeof globalThis.gc !== 'function') {
  console.error('--heap needs node --expose-gc bench/overhead.mjs …');
  process.exit(2);
}

const { runPipeline } = await import('../dist/pipeline/index.js');
const { startScriptedServer } = await import('../dist/agent/scripted/server.js');
const { default: Anthropic } = await import('@anthropic-ai/sdk');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => x.toFixed(1);

/** A project directory with the synthetic graph, one agent and one script per task. */
function writeProject(dir, n) {
  mkdirSync(path.join(dir, 'agents'), { recursive: true });
  mkdirSync(path.join(dir, 'scripted'), { recursive: true });
  mkdirSync(path.join(dir, 'golden'), { recursive: true });
  writeFileSync(
    path.join(dir, 'agents', 'writer.md'),
    '---\nname: writer\ndescription: writes one file\ntools: Write\n---\nWrite the file you are asked for.\n',
  );
  const lines = [
    'version: 1',
    'name: overhead',
    'defaults: { model: sonnet, maxTurns: 4, repairAttempts: 0 }',
    'phases:',
    '  - { id: work, title: Work }',
    'tasks:',
  ];
  for (let i = 0; i < n; i += 1) {
    lines.push(
      `  - id: T${i}`,
      `    title: file ${i}`,
      '    phase: work',
      '    agent: writer',
      '    needs: []',
      `    outputs: [out/T${i}.txt]`,
      '    prompt: write it',
    );
    writeFileSync(
      path.join(dir, 'scripted', `T${i}.yaml`),
      `task: T${i}\nturns:\n  - tools:\n      - Write: { file_path: out/T${i}.txt, content: "task ${i}\\n" }\n  - text: done\n`,
    );
  }
  writeFileSync(path.join(dir, 'graph.yaml'), `${lines.join('\n')}\n`);
}

/**
 * The floor, sampled in slices between the runs so that it sees the same minutes (and the
 * same load) as the runs do: `sample(n)` adds n times of one `git add` + `git commit` of
 * one new file in a scratch repository and n SDK round trips (messages.create) to a
 * scripted server of its own.
 */
async function openFloor(dir, project) {
  const repo = path.join(dir, 'floor-repo');
  mkdirSync(repo);
  const git = (...args) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      stdio: 'pipe',
    });
  git('init', '--quiet');
  writeFileSync(path.join(repo, 'seed.txt'), 'seed\n');
  git('add', 'seed.txt');
  git('commit', '--quiet', '-m', 'seed');
  const server = await startScriptedServer({ scriptsDir: path.join(project, 'scripted'), goldenDir: path.join(project, 'golden') });
  const client = new Anthropic({ apiKey: 'scripted-local', baseURL: server.url, defaultHeaders: { 'x-flux-triton-task': 'T0' }, maxRetries: 0 });
  const request = () => client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'write it' }] });
  for (let i = 0; i < 2; i += 1) await request(); // warm-up (connection, JIT), not counted
  const gitTimes = [];
  const sdkTimes = [];
  return {
    gitTimes,
    sdkTimes,
    async sample(count) {
      for (let i = 0; i < count; i += 1) {
        const file = `f${gitTimes.length}.txt`;
        writeFileSync(path.join(repo, file), `floor ${gitTimes.length}\n`);
        const t0 = performance.now();
        git('add', '--', file);
        git('commit', '--quiet', '--no-verify', '-m', `floor ${gitTimes.length}`, '--', file);
        gitTimes.push(performance.now() - t0);
        const t1 = performance.now();
        await request();
        sdkTimes.push(performance.now() - t1);
      }
    },
    close: () => server.close(),
  };
}

async function runOnce(project, scratch, concurrency, label) {
  const workspaceDir = path.join(scratch, `workspace-${label}`);
  const reportsDir = path.join(scratch, `reports-${label}`);
  const options = {
    graphFile: path.join(project, 'graph.yaml'),
    agentsDir: path.join(project, 'agents'),
    workspaceDir,
    reportsDir,
    projectRoot: ROOT,
    provider: 'scripted',
    concurrency,
    scriptedLatency: { defaultMs: 0, jitterMs: 0, seed: 1 },
    env: { ...process.env, ANTHROPIC_API_KEY: '' },
  };
  const heap = [];
  if (heapTrack) {
    let committed = 0;
    const every = Math.max(1, Math.floor(taskCount / 10));
    options.onEvent = (event) => {
      if (event.type !== 'task:commit' || ++committed % every !== 0) return;
      globalThis.gc();
      heap.push({ committed, heapMb: process.memoryUsage().heapUsed / 1048576 });
    };
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const traceFile = path.join(scratch, `git-trace-${label}.log`);
    if (countGit) process.env.GIT_TRACE = traceFile; // git children inherit it; a path, so nothing reaches stderr
    const t0 = performance.now();
    let cold;
    try {
      cold = await runPipeline(options);
    } finally {
      delete process.env.GIT_TRACE;
    }
    const coldMs = performance.now() - t0;
    const coldPeak = peakRss;
    const commits = Number(execFileSync('git', ['-C', workspaceDir, 'rev-list', '--count', '--grep=^Task: ', 'HEAD']).toString().trim());
    const t1 = performance.now();
    delete options.onEvent;
    const warm = await runPipeline(options);
    const warmMs = performance.now() - t1;
    const states = (summary) => {
      const counts = {};
      for (const s of Object.values(summary.tasks)) counts[s] = (counts[s] ?? 0) + 1;
      return counts;
    };
    // Why tasks failed, so a failed benchmark run can be told from noise.
    const failures = [];
    if (cold.status !== 'succeeded') {
      for (const line of readFileSync(path.join(cold.runDir, 'events.ndjson'), 'utf8').split('\n')) {
        const event = line ? JSON.parse(line) : undefined;
        if (event?.type === 'task:state' && event.state === 'failed') failures.push(`${event.task}: ${event.reason}`);
      }
    }
    return {
      concurrency,
      failures,
      coldMs,
      warmMs,
      gitProcesses: countGit ? countGitProcesses(traceFile) : undefined,
      coldStatus: cold.status,
      coldStates: states(cold),
      warmStates: states(warm),
      commits,
      peakRss: coldPeak,
      heap,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Git processes per subcommand in a GIT_TRACE file (`trace: built-in: git <cmd>` once per process). */
function countGitProcesses(traceFile) {
  const counts = {};
  if (!existsSync(traceFile)) return counts;
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const match = /trace: built-in: git (\S+)/.exec(line);
    if (match) counts[match[1]] = (counts[match[1]] ?? 0) + 1;
  }
  return counts;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

const scratch = mkdtempSync(path.join(tmpdir(), 'flux-triton-overhead-'));
try {
  const project = path.join(scratch, 'project');
  writeProject(project, taskCount);
  const load = os.loadavg()[0];
  const floorSampler = await openFloor(scratch, project);
  // Slices of the floor before, between and after the runs; the ratio uses the median of all.
  const slices = concurrencies.length + 1;
  const perSlice = Math.max(1, Math.ceil(samples / slices));
  const runs = [];
  try {
    await floorSampler.sample(perSlice);
    for (const c of concurrencies) {
      runs.push(await runOnce(project, scratch, c, `c${c}`));
      await floorSampler.sample(perSlice);
    }
  } finally {
    await floorSampler.close();
  }
  const { gitTimes, sdkTimes } = floorSampler;
  const totals = gitTimes.map((g, i) => g + sdkTimes[i]);
  const git = median(gitTimes);
  const sdk = median(sdkTimes);
  const floor = median(totals);
  const loadAtEnd = os.loadavg()[0];
  const result = {
    tasks: taskCount,
    samples: totals.length,
    node: process.version,
    cores: os.cpus().length,
    loadAtStart: load,
    loadAtEnd,
    floor: {
      gitAddCommitMs: git,
      sdkRoundTripMs: sdk,
      totalMs: floor,
      totalRangeMs: [Math.min(...totals), quantile(totals, 0.25), quantile(totals, 0.75), Math.max(...totals)],
    },
    runs,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`${taskCount} tasks; Node ${process.version}, ${os.cpus().length} cores, load ${load.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end`);
    console.log(
      `floor: git add + commit ${ms(git)} ms + SDK round trip ${ms(sdk)} ms; per sample ${ms(floor)} ms median of ${totals.length} ` +
        `(${perSlice} before, between and after the runs), range ${ms(Math.min(...totals))}–${ms(Math.max(...totals))}, ` +
        `middle half ${ms(quantile(totals, 0.25))}–${ms(quantile(totals, 0.75))}`,
    );
    console.log('');
    console.log('| concurrency | wall (s) | per task (ms) | ratio to floor | commits | states | cached rerun (s) | peak RSS (MB) | git processes per task |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of runs) {
      const perTask = r.coldMs / taskCount;
      const gitPerTask = r.gitProcesses
        ? Object.entries(r.gitProcesses)
            .filter(([command]) => command !== 'maintenance')
            .map(([command, n]) => `${command} ${(n / taskCount).toFixed(2)}`)
            .join(', ')
        : '';
      console.log(
        `| ${r.concurrency} | ${(r.coldMs / 1000).toFixed(2)} | ${ms(perTask)} | ${(perTask / floor).toFixed(2)}× | ${r.commits} / ${taskCount} | ${JSON.stringify(r.coldStates)} | ${(r.warmMs / 1000).toFixed(2)} ${JSON.stringify(r.warmStates)} | ${(r.peakRss / 1048576).toFixed(0)} | ${gitPerTask} |`,
      );
    }
  }
  if (heapTrack && !json) {
    for (const r of runs) {
      const [first, last] = [r.heap[0], r.heap.at(-1)];
      const slope = first && last && last.committed > first.committed ? ((last.heapMb - first.heapMb) * 1024) / (last.committed - first.committed) : 0;
      console.log(
        `heap after GC, concurrency ${r.concurrency}: ${r.heap.map((h) => `${h.committed}: ${h.heapMb.toFixed(1)} MB`).join(', ')}; ` +
          `${slope.toFixed(1)} KB per task finished between the first and last sample`,
      );
    }
  }
  const failed = runs.filter((r) => r.coldStatus !== 'succeeded' || r.commits !== taskCount);
  if (failed.length > 0) {
    console.error(
      `not every task succeeded and committed: ${JSON.stringify(failed.map((r) => ({ c: r.concurrency, status: r.coldStatus, commits: r.commits, failures: r.failures })))}`,
    );
    process.exitCode = 1;
  }
} finally {
  if (!process.argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
}
