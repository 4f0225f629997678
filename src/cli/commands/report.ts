// `flux-triton report`: a finished (or running, or killed) run as the terminal shows it,
// read from what the run's recorders wrote. Latest run by default.
import path from 'node:path';
import { UserError } from '../../errors.js';
import { loadRun, renderRunReport, writeHtmlSummary } from '../../report/index.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../exitCodes.js';
import { reportsOption, resolveProjectPaths } from '../commonOptions.js';

export default defineCommand({
  name: 'report',
  summary: 'Show a run per phase, or one phase or task in detail',
  usage: 'flux-triton report [RUN] [--phase ID] [--task ID] [--json | --html [-o FILE]] [--reports DIR]',
  description:
    'RUN is a run id or a unique prefix of one; default: the latest run. --phase takes a phase id or its number. ' +
    '--html writes one self-contained HTML page (DAG, timeline, per-task verify results and transcripts) to FILE, default <run>/summary.html.',
  options: {
    reports: reportsOption,
    phase: { type: 'string', valueName: 'ID', help: 'Only this phase (id or 1-based number)' },
    task: { type: 'string', valueName: 'ID', help: 'One task in full: every verify attempt, JUnit cases, usage, commit' },
    json: { type: 'boolean', help: 'Machine-readable JSON instead of text' },
    html: { type: 'boolean', help: 'Write the run as one self-contained HTML file (opens offline, from disk)' },
    output: { type: 'string', short: 'o', valueName: 'FILE', help: 'With --html: where to write it (default <run>/summary.html)' },
  },
  positionals: { name: 'RUN', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const { reportsDir } = resolveProjectPaths(values, io.cwd);
    if (values.output !== undefined && !values.html)
      throw new UserError('-o/--output is only taken with --html', 'Example: flux-triton report --html -o run.html');
    if (values.html && (values.json || values.phase !== undefined || values.task !== undefined)) {
      throw new UserError(
        '--html writes the whole run; it cannot be combined with --json, --phase or --task',
        'Run flux-triton report --html, then open the file.',
      );
    }
    const run = await loadRun(reportsDir, positionals[0]);
    if (values.html) {
      const written = await writeHtmlSummary(run.dir, values.output === undefined ? undefined : path.resolve(io.cwd, values.output), run.state);
      io.stdout.write(`${path.relative(io.cwd, written) || written}\n`);
      return 0;
    }
    const color = !values.json && Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR;
    io.stdout.write(renderRunReport(run, { phase: values.phase, task: values.task, json: values.json, color }));
    return EXIT.ok;
  },
});
