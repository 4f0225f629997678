// Orchestration benchmark: the real FLUX graph (tasks/flux-triton.yaml, agents/) against the
// scripted provider with a fixed per-turn latency, so agent (model) time dominates.
//
//   npm run build && node bench/orchestration.mjs [--latency 300] [--reps 2] [--concurrency 1,2,4,default]
//
// Every configuration runs in its own child process (so peak RSS is that run's alone, read by
// /usr/bin/time -v when present and by sampling process.memoryUsage().rss every 25 ms) and
// in a fresh temporary workspace. After the cold run the child runs the same workspace again
// (everything should be cached) and counts the HTTP requests the scripted server received in
// each run, by counting 'request' events on every node:http Server in the process.
//
// Verify checks use FLUX_TRITON_PYTHON (default /usr/bin/python3, which has no torch), so the
// checks that need torch are skipped and the run measures orchestration, not PyTorch.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GRAPH = path.join(ROOT, 'tasks', 'flux-triton.yaml');
const AGENTS = path.join(ROOT, 'agents');
const SCRIPTS = path.join(ROOT, 'tasks', 'scripted');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

if (process.argv.includes('--child')) await child();
else await parent();

// ---------------------------------------------------------------- child: one configuration

async function child() {
  const { runPipeline } = await import('../dist/pipeline/index.js');
  const latencyMs = Number(arg('latency', '300'));
  const concurrencyArg = arg('concurrency', 'default');
  const concurrency = concurrencyArg === 'default' ? undefined : Number(concurrencyArg);
  const python = process.env.FLUX_TRITON_PYTHON || '/usr/bin/python3';

  // Count requests at the server: every 'request' event on any node:http Server here.
  let requests = 0;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...rest) {
    if (event === 'request') requests += 1;
    return emit.call(this, event, ...rest);
  };

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);

  const dir = mkdtempSync(path.join(tmpdir(), 'flux-triton-bench-'));
  const options = {
    graphFile: GRAPH,
    agentsDir: AGENTS,
    workspaceDir: path.join(dir, 'workspace'),
    reportsDir: path.join(dir, 'reports'),
    projectRoot: ROOT,
    provider: 'scripted',
    scriptedLatency: { defaultMs: latencyMs, jitterMs: 0, seed: 1 },
    env: { ...process.env, FLUX_TRITON_PYTHON: python, ANTHROPIC_API_KEY: '' },
    ...(concurrency ? { concurrency } : {}),
  };

  const run = async () => {
    const before = requests;
    const load0 = os.loadavg()[0];
    const t0 = performance.now();
    const summary = await runPipeline(options);
    const wallMs = performance.now() - t0;
    const report = JSON.parse(readFileSync(path.join(summary.runDir, 'summary.json'), 'utf8'));
    return { wallMs, requests: requests - before, summary, report, loadavg: [load0, os.loadavg()[0]] };
  };

  try {
    const cold = await run();
    const coldPeakRss = peakRss;
    const warm = await run();
    clearInterval(sampler);
    const states = (s) => {
      const counts = {};
      for (const st of Object.values(s.summary.tasks)) counts[st] = (counts[st] ?? 0) + 1;
      return counts;
    };
    const tasks = cold.report.phases.flatMap((p) => p.tasks);
    const skipped = tasks.flatMap((t) => t.skippedChecks.map((c) => `${t.id}:${c.name}`));
    const result = {
      concurrency: concurrencyArg,
      latencyMs,
      cold: {
        wallMs: cold.wallMs,
        status: cold.summary.status,
        states: states(cold),
        requests: cold.requests,
        turns: tasks.reduce((n, t) => n + t.turns, 0),
        usage: cold.report.usage,
        perTask: tasks.map((t) => ({ id: t.id, turns: t.turns, durationMs: t.durationMs, usage: t.usage, attempts: t.attempts, state: t.state })),
        skippedChecks: skipped,
        peakRss: coldPeakRss,
        loadavg: cold.loadavg,
      },
      warm: {
        wallMs: warm.wallMs,
        status: warm.summary.status,
        states: states(warm),
        requests: warm.requests,
        usage: warm.report.usage,
      },
      peakRss,
    };
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- parent: all configurations

async function parent() {
  if (!existsSync(path.join(ROOT, 'dist', 'pipeline', 'index.js'))) {
    console.error('dist/ is missing: run `npm run build` first.');
    process.exit(2);
  }
  const { loadProject, analyzeGraph } = await import('../dist/index.js');
  const latencyMs = Number(arg('latency', '300'));
  const reps = Number(arg('reps', '2'));
  const { graph } = await loadProject({ graphFile: GRAPH, agentsDir: AGENTS });
  const analysis = analyzeGraph(graph);
  const configs = arg('concurrency', `1,2,4,default`).split(',');

  // Scripted turns per task: what an ideal run sends (one request per turn).
  const turns = new Map(graph.tasks.map((t) => [t.id, parse(readFileSync(path.join(SCRIPTS, `${t.id}.yaml`), 'utf8')).turns.length]));
  const totalTurns = [...turns.values()].reduce((a, b) => a + b, 0);
  // Longest chain weighted by turns.
  const finish = new Map();
  const prev = new Map();
  for (const id of analysis.order) {
    let best = 0;
    for (const need of analysis.needs.get(id) ?? []) {
      if ((finish.get(need) ?? 0) > best) {
        best = finish.get(need);
        prev.set(id, need);
      }
    }
    finish.set(id, best + turns.get(id));
  }
  const last = [...finish.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const chain = [];
  for (let id = last; id; id = prev.get(id)) chain.unshift(id);
  const chainTurns = finish.get(last);
  const defaultConcurrency = Math.min(Math.max(analysis.width, 1), 8);

  const hasTime = existsSync('/usr/bin/time');
  const results = [];
  // Round-robin over configurations, so a burst of outside load hits them evenly.
  for (let rep = 0; rep < reps; rep += 1) {
    for (const config of configs) {
      const res = await runChild(config, latencyMs, hasTime);
      results.push(res);
      console.error(
        `c=${config} rep=${rep + 1}: cold ${(res.cold.wallMs / 1000).toFixed(2)} s (${res.cold.requests} requests, ${res.cold.status}), ` +
          `warm ${(res.warm.wallMs / 1000).toFixed(2)} s (${res.warm.requests} requests), peak RSS ${mb(res.maxRssTime ?? res.peakRss)} MB, ` +
          `CPU ${res.cpuSeconds?.toFixed(1) ?? '?'} s, load avg ${res.cold.loadavg.map((x) => x.toFixed(1)).join('→')}`,
      );
    }
  }

  const serialRuns = results.filter((r) => r.concurrency === '1').map((r) => r.cold.wallMs);
  const serial = serialRuns.length ? Math.min(...serialRuns) : 0;
  const lines = [];
  lines.push(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${os.platform()} ${os.release()}`);
  lines.push(
    `Graph: ${graph.tasks.length} tasks, width ${analysis.width}, default concurrency ${defaultConcurrency}; scripted turns ${totalTurns} in all, longest chain by turns ${chain.join(' → ')} = ${chainTurns} turns`,
  );
  lines.push(
    `Latency: ${latencyMs} ms per turn, jitter 0; ${reps} run(s) per configuration. Min is the least-disturbed run (the machine is shared); speedup compares minima.`,
  );
  lines.push('');
  lines.push(
    '| concurrency | cold run wall, min (s) | median [range] (s) | speedup vs serial (min) | turn-latency bound (s) | min / bound | requests | cached rerun (s) | rerun requests | peak RSS (MB) | CPU s (cold+rerun, incl. git/python) | load avg at start |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const config of configs) {
    const rs = results.filter((r) => r.concurrency === config);
    const c = config === 'default' ? defaultConcurrency : Number(config);
    const cold = rs.map((r) => r.cold.wallMs);
    const warm = rs.map((r) => r.warm.wallMs);
    // Turn-time lower bound for c workers: the longest chain, and total work spread over c.
    const boundMs = Math.max(chainTurns, totalTurns / c) * latencyMs;
    const rss = rs.map((r) => r.maxRssTime ?? r.peakRss);
    lines.push(
      `| ${config === 'default' ? `default (${c})` : c} | ${(Math.min(...cold) / 1000).toFixed(2)} | ${range(cold, 1000, 2)} | ${serial ? `${(serial / Math.min(...cold)).toFixed(2)}×` : '—'} | ${(boundMs / 1000).toFixed(2)} | ${boundMs > 0 ? (Math.min(...cold) / boundMs).toFixed(2) : '—'} | ` +
        `${rs.map((r) => r.cold.requests).join('/')} | ${range(warm, 1000, 2)} | ${rs.map((r) => r.warm.requests).join('/')} | ${range(rss, 1024 * 1024, 0)} | ${rs.map((r) => r.cpuSeconds?.toFixed(1) ?? '?').join('/')} | ${rs.map((r) => r.cold.loadavg[0].toFixed(1)).join('/')} |`,
    );
  }
  lines.push('');

  // Prompt cache: the same for every configuration (deterministic scripts), shown for one run.
  const sample = results[0];
  const u = sample.cold.usage;
  const prompt = u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  lines.push(
    'Prompt cache per configuration (cold runs; the scripts are deterministic, but which session writes a shared prefix first depends on the interleaving):',
  );
  lines.push('');
  lines.push('| concurrency | cache write | cache read | read share of prompt |');
  lines.push('|---|---|---|---|');
  for (const config of configs) {
    const rs = results.filter((r) => r.concurrency === config);
    const w = rs.map((r) => r.cold.usage.cacheCreationInputTokens);
    const rd = rs.map((r) => r.cold.usage.cacheReadInputTokens);
    const share = rs.map((r) =>
      pct(r.cold.usage.cacheReadInputTokens / (r.cold.usage.inputTokens + r.cold.usage.cacheCreationInputTokens + r.cold.usage.cacheReadInputTokens)),
    );
    lines.push(`| ${config} | ${w.join('/')} | ${rd.join('/')} | ${share.join('/')} |`);
  }
  lines.push('');
  lines.push('Prompt cache, first cold run in detail:');
  lines.push('');
  lines.push('| input (uncached) | cache write | cache read | prompt total | read share | output |');
  lines.push('|---|---|---|---|---|---|');
  lines.push(
    `| ${u.inputTokens} | ${u.cacheCreationInputTokens} | ${u.cacheReadInputTokens} | ${prompt} | ${pct(u.cacheReadInputTokens / prompt)} | ${u.outputTokens} |`,
  );
  // Billing-weighted: cache writes cost 1.25×, reads 0.1× of base input price (5-minute cache).
  const billed = u.inputTokens + 1.25 * u.cacheCreationInputTokens + 0.1 * u.cacheReadInputTokens;
  lines.push('');
  lines.push(
    `Input billed at Anthropic's cache prices (write 1.25×, read 0.1×): ${Math.round(billed)} base-token equivalents vs ${prompt} without caching = ${pct(1 - billed / prompt)} saved.`,
  );
  lines.push('');
  lines.push('Per task (cold run, first result):');
  lines.push('');
  lines.push('| task | turns | attempts | duration (s) | input | cache write | cache read | read share |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const t of sample.cold.perTask) {
    const p = t.usage.inputTokens + t.usage.cacheCreationInputTokens + t.usage.cacheReadInputTokens;
    lines.push(
      `| ${t.id} | ${t.turns} | ${t.attempts} | ${((t.durationMs ?? 0) / 1000).toFixed(2)} | ${t.usage.inputTokens} | ${t.usage.cacheCreationInputTokens} | ${t.usage.cacheReadInputTokens} | ${pct(t.usage.cacheReadInputTokens / p)} |`,
    );
  }
  lines.push('');
  lines.push(`Skipped checks (python without torch): ${sample.cold.skippedChecks.join(', ') || 'none'}`);
  lines.push(`Cold states: ${JSON.stringify(sample.cold.states)}; rerun states: ${JSON.stringify(sample.warm.states)}`);
  console.log(lines.join('\n'));
  if (process.argv.includes('--json')) console.log(JSON.stringify(results, null, 2));
}

function runChild(config, latencyMs, hasTime) {
  const script = fileURLToPath(import.meta.url);
  const nodeArgs = [script, '--child', '--concurrency', config, '--latency', String(latencyMs)];
  const [cmd, args] = hasTime ? ['/usr/bin/time', ['-v', process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) return reject(new Error(`child c=${config} exited ${code}\n${out}\n${err}`));
      const result = JSON.parse(line.slice('BENCH_RESULT '.length));
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      if (m) result.maxRssTime = Number(m[1]) * 1024;
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      if (user && sys) result.cpuSeconds = Number(user[1]) + Number(sys[1]);
      resolve(result);
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
function range(xs, div, digits) {
  const m = (median(xs) / div).toFixed(digits);
  if (xs.length < 2) return m;
  return `${m} (${(Math.min(...xs) / div).toFixed(digits)}–${(Math.max(...xs) / div).toFixed(digits)})`;
}
function mb(bytes) {
  return (bytes / 1024 / 1024).toFixed(0);
}
function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}
