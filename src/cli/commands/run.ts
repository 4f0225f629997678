// `flux-triton run`: the whole conversion (or a rerun, or a resume) through runPipeline.
// This file only turns flags into RunOptions, wires Ctrl-C and prints where things went.
import { relative } from 'node:path';
import { loadFaultPlan, parseLatencyOption } from '../../agent/index.js';
import { UserError } from '../../errors.js';
import { runPipeline } from '../../pipeline/index.js';
import { withholdSecretsFromProcess } from '../../util/secrets.js';
import { defineCommand } from '../command.js';
import { projectOptions, resolveProjectPaths } from '../commonOptions.js';
import { parseIntegerOption } from '../optionValues.js';

export default defineCommand({
  name: 'run',
  summary: 'Run the task graph: every task, a rerun of some, or a resume',
  usage: 'flux-triton run [--provider anthropic|scripted] [--task ID [--downstream]] [--resume [RUN]] [options]',
  description: [
    'Runs each task as an agent session, verifies and commits its outputs into the workspace, and writes state, transcripts and reports under reports/runs/<run>/.',
    'Without ANTHROPIC_API_KEY the scripted provider (a local Messages-API server playing tasks/scripted/) is used.',
    'Exit codes: 0 all succeeded or cached, 1 a task failed or was blocked, 2 bad config or usage, 130 interrupted.',
  ].join('\n\n'),
  options: {
    ...projectOptions,
    provider: { type: 'string', valueName: 'NAME', choices: ['anthropic', 'scripted'], help: 'Default: anthropic when ANTHROPIC_API_KEY is set, else scripted' },
    model: { type: 'string', valueName: 'MODEL', help: 'Model for every task (alias opus/sonnet/haiku or an id); overrides task and agent' },
    concurrency: { type: 'string', valueName: 'N', help: "Tasks in flight at once (default: the graph's width, at most 8)" },
    'phase-barriers': { type: 'boolean', help: 'Start a phase only when every earlier phase has finished' },
    resume: { type: 'boolean', help: 'Continue the latest run (or RUN, given as an argument) where it stopped' },
    task: { type: 'string', multiple: true, valueName: 'ID', help: 'Run only this task; its needs must have succeeded in this workspace before' },
    downstream: { type: 'boolean', help: 'With --task: also run every task that depends on it' },
    force: { type: 'boolean', help: 'Run tasks even when their inputs are unchanged (no cache)' },
    'fail-fast': { type: 'boolean', help: 'Stop at the first failed task' },
    json: { type: 'boolean', help: 'Print events as NDJSON on stdout instead of the progress view' },
    'scripted-latency': { type: 'string', valueName: 'MS|FILE', help: 'Scripted provider: latency per turn in ms, or a latency plan file' },
    'scripted-faults': { type: 'string', valueName: 'FILE', help: 'Scripted provider: fault plan (YAML or JSON)' },
  },
  positionals: { name: 'RUN', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const paths = resolveProjectPaths(values, io.cwd);
    if (positionals.length > 0 && !values.resume) {
      throw new UserError(`unexpected argument '${positionals[0]}'`, 'A run id is only taken with --resume: flux-triton run --resume RUN');
    }
    if (values.downstream && values.task.length === 0) {
      throw new UserError('--downstream needs --task', 'Example: flux-triton run --task T013 --downstream');
    }
    const concurrency = values.concurrency === undefined ? undefined : parseIntegerOption(values.concurrency, 'concurrency', { min: 1, max: 64 }, 'run');

    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(130); // the second Ctrl-C does not wait for anything
      io.stderr.write('\nInterrupting: aborting requests in flight and writing state (Ctrl-C again to exit at once)\n');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    // The run keeps its own copy; this process forgets the secrets, so nothing it starts
    // (git, python, a tool) inherits them, and redaction still knows them.
    const env = { ...io.env };
    withholdSecretsFromProcess(env);
    try {
      const summary = await runPipeline({
        ...paths,
        projectRoot: io.cwd,
        provider: values.provider,
        model: values.model,
        concurrency,
        phaseBarriers: values['phase-barriers'],
        resume: values.resume ? (positionals[0] ?? true) : undefined,
        tasks: values.task.length > 0 ? values.task : undefined,
        downstream: values.downstream,
        force: values.force,
        failFast: values['fail-fast'],
        scriptedLatency: values['scripted-latency'] ? await parseLatencyOption(values['scripted-latency']) : undefined,
        scriptedFaults: values['scripted-faults'] ? await loadFaultPlan(values['scripted-faults']) : undefined,
        env,
        signal: controller.signal,
        progress: { stream: process.stdout, isTTY: Boolean(process.stdout.isTTY) && !values.json, json: values.json },
      });
      if (!values.json) {
        const counts = new Map<string, number>();
        for (const state of Object.values(summary.tasks)) counts.set(state, (counts.get(state) ?? 0) + 1);
        const tally = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
        io.stderr.write(
          `\nRun ${summary.runId} ${summary.status}: ${tally}\n` +
            `  workspace: ${relative(io.cwd, summary.workspaceDir) || '.'}\n` +
            `  reports:   ${relative(io.cwd, summary.runDir)}  (flux-triton report ${summary.runId})\n`,
        );
      }
      return summary.exitCode;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      // Interrupted: another Ctrl-C before the process has exited still means "exit 130",
      // not death by the signal's default action.
      if (interrupts > 0) {
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(130));
      }
    }
  },
});
