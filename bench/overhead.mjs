// The runner's own cost per task next to the floor, measured side by side in one process.
//
//   npm run build && node bench/overhead.mjs [--tasks 100] [--concurrency 1,8] [--samples 20] [--json]
//   node bench/overhead.mjs --tasks 1000 --concurrency 8 --samples 5     # the 1,000-task offline run
//
// Graph: N independent tasks in one phase, each one scripted turn that writes one file
// (out/T<i>.txt) and no verify, played by the scripted provider at zero latency. A session
// needs two requests (the Write tool call, then the end_turn after its result).
//
// Floor (same process, same minute, before the runs): in a scratch repository, one
// `git add` + `git commit` of one new file, and one SDK round trip (messages.create) to the
// local scripted server; median of --samples. Runner time per task = wall of runPipeline
// (load, workspace, every session, verify, commit, state, reports) / N. The ratio divides
// that by the floor; at concurrency > 1 it is wall / N too, so it counts the parallelism
// the runner gets out of the machine as well.
//
// Also: every task committed (git log count), requests at the server, peak RSS (sampled
// every 20 ms), and the cached rerun of the same workspace.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const samples = Number(arg('samples', '20'));
const json = process.argv.includes('--json');

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

/** Median of `samples` times (git add + git commit of one new file) in a scratch repository. */
function gitFloor(dir) {
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
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const file = `f${i}.txt`;
    writeFileSync(path.join(repo, file), `floor ${i}\n`);
    const t0 = performance.now();
    git('add', '--', file);
    git('commit', '--quiet', '--no-verify', '-m', `floor ${i}`, '--', file);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Median of `samples` SDK round trips (messages.create) to the scripted server. */
async function sdkFloor(project) {
  const server = await startScriptedServer({ scriptsDir: path.join(project, 'scripted'), goldenDir: path.join(project, 'golden') });
  try {
    const client = new Anthropic({ apiKey: 'scripted-local', baseURL: server.url, defaultHeaders: { 'x-flux-triton-task': 'T0' }, maxRetries: 0 });
    const times = [];
    for (let i = 0; i < samples + 2; i += 1) {
      const t0 = performance.now();
      await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'write it' }] });
      if (i >= 2) times.push(performance.now() - t0); // two warm-up requests (connection, JIT)
    }
    return median(times);
  } finally {
    await server.close();
  }
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
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const t0 = performance.now();
    const cold = await runPipeline(options);
    const coldMs = performance.now() - t0;
    const coldPeak = peakRss;
    const commits = Number(execFileSync('git', ['-C', workspaceDir, 'rev-list', '--count', '--grep=^Task: ', 'HEAD']).toString().trim());
    const t1 = performance.now();
    const warm = await runPipeline(options);
    const warmMs = performance.now() - t1;
    const states = (summary) => {
      const counts = {};
      for (const s of Object.values(summary.tasks)) counts[s] = (counts[s] ?? 0) + 1;
      return counts;
    };
    return { concurrency, coldMs, warmMs, coldStatus: cold.status, coldStates: states(cold), warmStates: states(warm), commits, peakRss: coldPeak };
  } finally {
    clearInterval(sampler);
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'flux-triton-overhead-'));
try {
  const project = path.join(scratch, 'project');
  writeProject(project, taskCount);
  const load = os.loadavg()[0];
  const git = gitFloor(scratch);
  const sdk = await sdkFloor(project);
  const floor = git + sdk;
  const runs = [];
  for (const c of concurrencies) runs.push(await runOnce(project, scratch, c, `c${c}`));
  const result = {
    tasks: taskCount,
    samples,
    node: process.version,
    cores: os.cpus().length,
    loadAtStart: load,
    floor: { gitAddCommitMs: git, sdkRoundTripMs: sdk, totalMs: floor },
    runs,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`${taskCount} tasks; Node ${process.version}, ${os.cpus().length} cores, load ${load.toFixed(1)} at start`);
    console.log(`floor: git add + commit ${ms(git)} ms + SDK round trip ${ms(sdk)} ms = ${ms(floor)} ms per task (median of ${samples})`);
    console.log('');
    console.log('| concurrency | wall (s) | per task (ms) | ratio to floor | commits | states | cached rerun (s) | peak RSS (MB) |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of runs) {
      const perTask = r.coldMs / taskCount;
      console.log(
        `| ${r.concurrency} | ${(r.coldMs / 1000).toFixed(2)} | ${ms(perTask)} | ${(perTask / floor).toFixed(2)}× | ${r.commits} / ${taskCount} | ${JSON.stringify(r.coldStates)} | ${(r.warmMs / 1000).toFixed(2)} ${JSON.stringify(r.warmStates)} | ${(r.peakRss / 1048576).toFixed(0)} |`,
      );
    }
  }
  const failed = runs.filter((r) => r.coldStatus !== 'succeeded' || r.commits !== taskCount);
  if (failed.length > 0) {
    console.error(
      `not every task succeeded and committed: ${JSON.stringify(failed.map((r) => ({ c: r.concurrency, status: r.coldStatus, commits: r.commits })))}`,
    );
    process.exitCode = 1;
  }
} finally {
  if (!process.argv.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
}
