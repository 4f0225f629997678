// Scale benchmark for the graph analysis and the scheduler, on seeded random DAGs.
//
//   npm run build && node bench/scale.mjs [--sizes 1000,10000,50000] [--exec-sizes 1000,10000] [--cli-sizes 1000,10000] [--seed 1]
//
// --cli-sizes: the same DAG written as a task-graph YAML (one agent; each task owns
// `src/mod<i>/index.ts` or `src/mod<i>/**` plus `docs/t<i>.md`, so every output shares the
// first segment and the overlap check has real work), then `flux-triton validate` and
// `flux-triton plan` run on it as child processes: wall time and peak RSS
// (/usr/bin/time when present, else the child's own resource usage).
//
// analyzeGraph: time (median of several runs; one run at 50k) and the heap the result keeps
// (heap after GC with the result alive minus before), plus 10,000 canRunConcurrently
// queries on random pairs (answered per query by a pruned search; no V×V table).
// executeGraph: runTask stubs that resolve at once, a no-op emit; wall time, tasks per
// second and overhead per task; dispatchRanks (the executor's ordering step) timed alone.
//
// The script re-executes itself with --expose-gc when needed, so heap numbers are after GC.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const { analyzeGraph } = await import('../dist/graph/index.js');
const { executeGraph, dispatchRanks } = await import('../dist/scheduler/index.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const sizes = arg('sizes', '1000,10000,50000').split(',').map(Number);
const execSizes = arg('exec-sizes', '1000,10000').split(',').map(Number);
const cliSizes = arg('cli-sizes', '1000,10000').split(',').filter(Boolean).map(Number);
const seed = Number(arg('seed', '1'));

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PHASES = [
  { id: 'configs', title: 'Configs' },
  { id: 'models', title: 'Models' },
  { id: 'tests', title: 'Tests' },
];

/**
 * n tasks; task i needs 0–3 (mean 1.5) distinct tasks drawn from the 64 before it in
 * creation order; phase by position (first, middle, last third). The list is then
 * shuffled, so file order is not a topological order and the sort has work to do.
 */
function randomDag(n, s) {
  const rand = mulberry32(s);
  const tasks = [];
  for (let i = 0; i < n; i += 1) {
    const k = i === 0 ? 0 : Math.floor(rand() * 4);
    const needs = new Set();
    for (let j = 0; j < k; j += 1) needs.add(`T${Math.max(0, i - 1 - Math.floor(rand() * Math.min(i, 64)))}`);
    tasks.push({ id: `T${i}`, phase: PHASES[Math.min(2, Math.floor((3 * i) / n))].id, needs: [...needs] });
  }
  for (let i = tasks.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j], tasks[i]];
  }
  return { tasks, phases: PHASES };
}

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
const MB = 1024 * 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 1) => x.toFixed(d);

const out = [];
out.push(
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}; seed ${seed}; load average ${os.loadavg()[0].toFixed(1)} at start`,
);
out.push('');
out.push('### analyzeGraph');
out.push('');
out.push('| tasks | edges | longest chain | width | runs | analyzeGraph median (ms) | min–max (ms) | retained heap (MB) | 10k concurrency queries (ms) |');
out.push('|---|---|---|---|---|---|---|---|---|');
for (const n of sizes) {
  const graph = randomDag(n, seed);
  const edges = graph.tasks.reduce((e, t) => e + t.needs.length, 0);
  const runs = n >= 50_000 ? 3 : n >= 10_000 ? 5 : 15;
  analyzeGraph(graph); // warm-up (JIT)
  const times = [];
  for (let r = 0; r < runs; r += 1) {
    const t0 = performance.now();
    analyzeGraph(graph);
    times.push(performance.now() - t0);
  }
  const before = heap();
  const analysis = analyzeGraph(graph);
  const retained = heap() - before;
  const rand = mulberry32(seed + 1);
  const t0 = performance.now();
  for (let q = 0; q < 10_000; q += 1) {
    analysis.canRunConcurrently(graph.tasks[Math.floor(rand() * n)].id, graph.tasks[Math.floor(rand() * n)].id);
  }
  const reach = fmt(performance.now() - t0, 0);
  out.push(
    `| ${n} | ${edges} | ${analysis.longestChain.total} | ${analysis.width} | ${runs} | ${fmt(median(times))} | ${fmt(Math.min(...times))}–${fmt(Math.max(...times))} | ${fmt(retained / MB)} | ${reach} |`,
  );
  console.error(`analyzeGraph ${n}: ${fmt(median(times))} ms`);
}

out.push('');
out.push('### executeGraph (instant runTask, no-op emit)');
out.push('');
out.push('| tasks | concurrency | runs | wall median (ms) | tasks/s | overhead per task (µs) | events | dispatchRanks alone (ms) | peak in flight |');
out.push('|---|---|---|---|---|---|---|---|---|');
for (const n of execSizes) {
  const graph = randomDag(n, seed);
  const order = analyzeGraph(graph).order;
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const tasks = order.map((id) => byId.get(id));
  const phases = PHASES.map((p) => p.id);
  const t0 = performance.now();
  dispatchRanks(tasks, phases);
  const rankMs = performance.now() - t0;
  for (const concurrency of [8, Infinity]) {
    const runs = n >= 5000 ? 3 : 5;
    const times = [];
    let events = 0;
    let peak = 0;
    for (let r = 0; r < runs + 1; r += 1) {
      events = 0;
      const start = performance.now();
      const result = await executeGraph({
        tasks,
        phases,
        concurrency,
        runTask: async () => ({ state: 'succeeded' }),
        emit: () => {
          events += 1;
        },
      });
      const ms = performance.now() - start;
      if (result.status !== 'succeeded') throw new Error(`run ended ${result.status}`);
      peak = result.peakInFlight;
      if (r > 0) times.push(ms); // the first run is warm-up
    }
    const m = median(times);
    out.push(
      `| ${n} | ${concurrency} | ${runs} | ${fmt(m)} | ${Math.round(n / (m / 1000))} | ${fmt((m * 1000) / n, 0)} | ${events} | ${fmt(rankMs)} | ${peak} |`,
    );
    console.error(`executeGraph ${n} c=${concurrency}: ${fmt(m)} ms`);
  }
}

out.push('');
out.push('### validate and plan (CLI child processes, YAML on disk)');
out.push('');
out.push('| tasks | YAML (MB) | validate wall (s) | validate peak RSS (MB) | plan wall (s) | plan peak RSS (MB) | `--help` wall (s) | `node -e 0` wall (s) |');
out.push('|---|---|---|---|---|---|---|---|');
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** Wall seconds and peak RSS (MB) of one child process. */
function measure(args) {
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', '%M', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const rss = timeBin ? Number(r.stderr.trim().split('\n').at(-1)) / 1024 : NaN;
  return { wall, rss };
}
function writeGraphProject(dir, graph) {
  mkdirSync(path.join(dir, 'agents'), { recursive: true });
  writeFileSync(path.join(dir, 'agents', 'worker.md'), '---\nname: worker\ndescription: writes files\ntools: Read, Write\n---\nYou write files.\n');
  const lines = ['version: 1', 'name: scale', 'phases:', ...PHASES.map((p) => `  - { id: ${p.id}, title: ${p.title} }`), 'tasks:'];
  for (const t of graph.tasks) {
    const i = Number(t.id.slice(1));
    const own = i % 3 === 0 ? `src/mod${i}/**` : `src/mod${i}/index.ts`;
    lines.push(
      `  - id: ${t.id}`,
      `    title: task ${i}`,
      `    phase: ${t.phase}`,
      '    agent: worker',
      `    needs: [${t.needs.join(', ')}]`,
      `    outputs: [${own}, docs/t${i}.md]`,
      '    prompt: write it',
    );
  }
  const file = path.join(dir, 'graph.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
for (const n of cliSizes) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flux-triton-scale-'));
  try {
    const file = writeGraphProject(dir, randomDag(n, seed));
    const base = ['--graph', file, '--agents', path.join(dir, 'agents')];
    const validate = measure([CLI, 'validate', ...base]);
    const plan = measure([CLI, 'plan', ...base]);
    const help = measure([CLI, '--help']);
    const bare = measure(['-e', '0']);
    const mb = (Buffer.byteLength(readFileSync(file, 'utf8')) / MB).toFixed(1);
    out.push(
      `| ${n} | ${mb} | ${fmt(validate.wall, 2)} | ${fmt(validate.rss, 0)} | ${fmt(plan.wall, 2)} | ${fmt(plan.rss, 0)} | ${fmt(help.wall, 2)} | ${fmt(bare.wall, 2)} |`,
    );
    console.error(`validate ${n}: ${fmt(validate.wall, 2)} s, plan ${fmt(plan.wall, 2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
out.push('');
out.push(`Peak RSS of this process: ${fmt(process.resourceUsage().maxRSS / 1024)} MB`);
console.log(out.join('\n'));
