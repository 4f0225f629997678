// `flux-triton report`: a finished (or running, or killed) run as the terminal shows it,
// read from what the run's recorders wrote. Latest run by default.
import { loadRun, renderRunReport } from '../../report/index.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../exitCodes.js';
import { reportsOption, resolveProjectPaths } from '../commonOptions.js';

export default defineCommand({
  name: 'report',
  summary: 'Show a run per phase, or one phase or task in detail',
  usage: 'flux-triton report [RUN] [--phase ID] [--task ID] [--json] [--reports DIR]',
  description: 'RUN is a run id or a unique prefix of one; default: the latest run. --phase takes a phase id or its number.',
  options: {
    reports: reportsOption,
    phase: { type: 'string', valueName: 'ID', help: 'Only this phase (id or 1-based number)' },
    task: { type: 'string', valueName: 'ID', help: 'One task in full: every verify attempt, JUnit cases, usage, commit' },
    json: { type: 'boolean', help: 'Machine-readable JSON instead of text' },
  },
  positionals: { name: 'RUN', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const { reportsDir } = resolveProjectPaths(values, io.cwd);
    const run = await loadRun(reportsDir, positionals[0]);
    const color = !values.json && Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR;
    io.stdout.write(renderRunReport(run, { phase: values.phase, task: values.task, json: values.json, color }));
    return EXIT.ok;
  },
});
