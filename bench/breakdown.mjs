// Where a run's time went, per task, from its events.ndjson:
//
//   node bench/breakdown.mjs reports/runs/<runId>       (or the events.ndjson itself)
//
// setup   = task:state running → first turn's startedAt (cache check, input hash, needed files)
// turns   = Σ turn startedAt → endedAt (as the session records a turn)
// between = Σ gaps between one turn's endedAt and the next one's startedAt (tool execution
//           when the turn record ends at the reply)
// verify  = task:state verifying → task:verify (all attempts)
// commit  = last task:verify → task:commit (commit queue wait + git)
// other   = total − the above
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const target = process.argv[2];
if (!target) {
  console.error('usage: node bench/breakdown.mjs <runDir | events.ndjson>');
  process.exit(2);
}
const file = statSync(target).isDirectory() ? path.join(target, 'events.ndjson') : target;
const events = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const t = (iso) => Date.parse(iso);

const tasks = new Map();
const get = (id) => {
  if (!tasks.has(id)) tasks.set(id, { id, turns: [], verifyStart: [], verifyEnd: [] });
  return tasks.get(id);
};
for (const e of events) {
  if (!e.task) continue;
  const r = get(e.task);
  if (e.type === 'task:state' && e.state === 'running') r.start ??= t(e.at);
  if (e.type === 'task:state' && e.state === 'verifying') r.verifyStart.push(t(e.at));
  if (e.type === 'task:verify') r.verifyEnd.push(t(e.at));
  if (e.type === 'task:turn')
    r.turns.push({
      start: t(e.turn.startedAt),
      end: t(e.turn.endedAt),
      tools: (e.turn.assistant ?? []).filter((b) => b.type === 'tool_use').map((b) => b.name),
    });
  if (e.type === 'task:commit') r.commit = t(e.at);
  if (e.type === 'task:state' && ['succeeded', 'cached', 'failed', 'blocked', 'interrupted'].includes(e.state)) r.end = t(e.at);
}

const rows = [];
const sum = { setup: 0, turns: 0, between: 0, verify: 0, commit: 0, other: 0, total: 0 };
for (const r of tasks.values()) {
  if (r.start === undefined || r.end === undefined) continue;
  const setup = r.turns.length ? r.turns[0].start - r.start : 0;
  const turns = r.turns.reduce((s, x) => s + (x.end - x.start), 0);
  let between = 0;
  for (let i = 1; i < r.turns.length; i += 1) between += Math.max(0, r.turns[i].start - r.turns[i - 1].end);
  let verify = 0;
  r.verifyStart.forEach((v, i) => {
    verify += (r.verifyEnd[i] ?? v) - v;
  });
  const commit = r.commit !== undefined && r.verifyEnd.length ? r.commit - r.verifyEnd[r.verifyEnd.length - 1] : 0;
  const total = r.end - r.start;
  const other = total - setup - turns - between - verify - commit;
  const row = { id: r.id, n: r.turns.length, setup, turns, between, verify, commit, other, total, tools: r.turns.flatMap((x) => x.tools).join(' ') };
  rows.push(row);
  for (const k of Object.keys(sum)) sum[k] += row[k];
}
const s = (ms) => (ms / 1000).toFixed(2);
console.log('| task | turns | setup | turn time | between turns | verify | commit | other | total (s) | tools called |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.id} | ${r.n} | ${s(r.setup)} | ${s(r.turns)} | ${s(r.between)} | ${s(r.verify)} | ${s(r.commit)} | ${s(r.other)} | ${s(r.total)} | ${r.tools} |`,
  );
console.log(
  `| **Σ** | ${rows.reduce((a, r) => a + r.n, 0)} | ${s(sum.setup)} | ${s(sum.turns)} | ${s(sum.between)} | ${s(sum.verify)} | ${s(sum.commit)} | ${s(sum.other)} | ${s(sum.total)} | |`,
);
const runStart = events.find((e) => e.type === 'run:start');
const runEnd = events.find((e) => e.type === 'run:end');
if (runStart && runEnd) console.log(`\nrun:start → run:end: ${s(t(runEnd.at) - t(runStart.at))} s`);
