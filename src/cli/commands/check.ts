// `flux-triton check [REPO_DIR]`: the Triton checks (config schema and load-time rules,
// model.py against its config, BLS calls against their callees) on any model repository.
import { join, resolve } from 'node:path';
import { checkRepository, formatFindings, reportToJson } from '../../triton/index.js';
import { hasErrors } from '../../util/diagnostic.js';
import { resolvePython } from '../../verify/python.js';
import { defineCommand } from '../command.js';
import { resolveProjectPaths, workspaceOption } from '../commonOptions.js';
import { EXIT } from '../exitCodes.js';

export default defineCommand({
  name: 'check',
  summary: 'Validate a Triton model repository before a server loads it',
  usage: 'flux-triton check [REPO_DIR] [--workspace DIR] [--contract FILE] [--model NAME] [--json]',
  description: [
    'REPO_DIR defaults to triton_models/ in the workspace (--workspace, default workspace/). Every finding is printed with file:line, severity and a fix.',
    'The Python checks need python3; without it they are skipped and the output says so.',
  ].join('\n\n'),
  options: {
    workspace: workspaceOption,
    contract: { type: 'string', valueName: 'FILE', help: 'A tensor contract table (Markdown) the configs must agree with' },
    model: { type: 'string', multiple: true, valueName: 'NAME', help: 'Check only this model (repeatable)' },
    json: { type: 'boolean', help: 'Machine-readable JSON' },
  },
  positionals: { name: 'REPO_DIR', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const repoDir = positionals[0] === undefined ? join(resolveProjectPaths(values, io.cwd).workspaceDir, 'triton_models') : resolve(io.cwd, positionals[0]);
    const report = await checkRepository(repoDir, {
      python: resolvePython({ ...io.env }, io.cwd),
      baseDir: io.cwd,
      ...(values.contract ? { contractFile: resolve(io.cwd, values.contract) } : {}),
      ...(values.model.length > 0 ? { models: values.model } : {}),
    });
    // reportToJson already returns the JSON text; stringifying it again printed one quoted string.
    if (values.json) io.stdout.write(`${reportToJson(report)}\n`);
    else io.stdout.write(`${formatFindings(report, { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR })}\n`);
    return hasErrors(report.findings) ? EXIT.failed : EXIT.ok;
  },
});
