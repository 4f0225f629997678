// `flux-triton check [REPO_DIR]`: the Triton checks (config schema and load-time rules,
// model.py against its config, BLS calls against their callees) on any model repository.
import { resolve } from 'node:path';
import { checkRepository, formatFindings, reportToJson } from '../../triton/index.js';
import { hasErrors } from '../../util/diagnostic.js';
import { resolvePython } from '../../verify/python.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'check',
  summary: 'Validate a Triton model repository before a server loads it',
  usage: 'flux-triton check [REPO_DIR] [--contract FILE] [--json]',
  description: [
    'REPO_DIR defaults to workspace/triton_models. Every finding is printed with file:line, severity and a fix.',
    'Exit code 1 when any error is found. The Python checks need python3; without it they are skipped and the output says so.',
  ].join('\n\n'),
  options: {
    contract: { type: 'string', valueName: 'FILE', help: 'A tensor contract table (Markdown) the configs must agree with' },
    model: { type: 'string', multiple: true, valueName: 'NAME', help: 'Check only this model (repeatable)' },
    json: { type: 'boolean', help: 'Machine-readable JSON' },
  },
  positionals: { name: 'REPO_DIR', min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const repoDir = resolve(io.cwd, positionals[0] ?? 'workspace/triton_models');
    const report = await checkRepository(repoDir, {
      python: resolvePython({ ...io.env }, io.cwd),
      baseDir: io.cwd,
      ...(values.contract ? { contractFile: resolve(io.cwd, values.contract) } : {}),
      ...(values.model.length > 0 ? { models: values.model } : {}),
    });
    // reportToJson already returns the JSON text; stringifying it again printed one quoted string.
    if (values.json) io.stdout.write(`${reportToJson(report)}\n`);
    else io.stdout.write(`${formatFindings(report, { color: Boolean((io.stdout as { isTTY?: boolean }).isTTY) && !io.env.NO_COLOR })}\n`);
    return hasErrors(report.findings) ? 1 : 0;
  },
});
