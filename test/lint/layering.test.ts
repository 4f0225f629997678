// The module layering in the README ("Design": a lower module never imports a higher
// one) is enforced by Biome's noRestrictedImports, one override per folder of src/ in
// biome.jsonc. These cases prove the rule fires, and that it allows what it should.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

/**
 * Lints `source` as the file at `path` under the repository's biome.jsonc, in a scratch
 * copy (Biome's stdin mode reports formatting, not lint diagnostics).
 */
function lintAs(path: string, source: string): { code: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'layering-'));
  copyFileSync(join(repo, 'biome.jsonc'), join(root, 'biome.jsonc'));
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), source);
  const result = spawnSync(process.execPath, [biome, 'lint', '--vcs-enabled=false', path], { cwd: root, encoding: 'utf8' });
  rmSync(root, { recursive: true, force: true });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('module layering (biome.jsonc)', () => {
  it('refuses a lower module importing a higher one', () => {
    const scheduler = lintAs('src/scheduler/x.ts', "import { runCli } from '../cli/runCli.js';\nexport const y = runCli;\n");
    expect(scheduler.code).not.toBe(0);
    expect(scheduler.output).toContain('layering: src/scheduler may import only');

    const util = lintAs('src/util/deep/x.ts', "import { loadProject } from '../../config/project.js';\nexport const y = loadProject;\n");
    expect(util.code).not.toBe(0);
    expect(util.output).toContain('layering: src/util may import only itself');

    const events = lintAs('src/events/x.ts', "import { runPipeline } from '../pipeline/runPipeline.js';\nexport const y = runPipeline;\n");
    expect(events.output).toContain('layering: src/events');
  });

  it('keeps cost/ and import/ in their places', () => {
    const cost = lintAs('src/cost/x.ts', "import { executeGraph } from '../scheduler/executeGraph.js';\nexport const y = executeGraph;\n");
    expect(cost.code).not.toBe(0);
    expect(cost.output).toContain('layering: src/cost may import only');

    const specKit = lintAs('src/import/specKit/x.ts', "import { runPipeline } from '../../pipeline/runPipeline.js';\nexport const y = runPipeline;\n");
    expect(specKit.code).not.toBe(0);
    expect(specKit.output).toContain('layering: src/import may import only');

    // The meter sits above events: events may read the price data, not the meter.
    const events = lintAs('src/events/x.ts', "import { CostMeter } from '../cost/costMeter.js';\nexport const y = CostMeter;\n");
    expect(events.output).toContain('layering: src/events');
    const config = lintAs('src/config/x.ts', "import { parseSpecKit } from '../import/specKit/parse.js';\nexport const y = parseSpecKit;\n");
    expect(config.output).toContain('layering: src/config');

    expect(lintAs('src/events/x.ts', "import { formatUsd } from '../cost/formatUsd.js';\nexport const y = formatUsd;\n").code).toBe(0);
    expect(lintAs('src/config/x.ts', "import { priceTableSchema } from '../cost/priceSchema.js';\nexport const y = priceTableSchema;\n").code).toBe(0);
    expect(lintAs('src/cost/x.ts', "import type { RunEvent } from '../events/types.js';\nexport type Y = RunEvent;\n").code).toBe(0);
    expect(lintAs('src/import/x.ts', "import type { TaskIdentity } from '../config/types.js';\nexport type Y = TaskIdentity;\n").code).toBe(0);
  });

  it('allows imports downwards, and the shared data model (config/types) from anywhere', () => {
    expect(lintAs('src/pipeline/x.ts', "import { executeGraph } from '../scheduler/executeGraph.js';\nexport const y = executeGraph;\n").code).toBe(0);
    expect(lintAs('src/scheduler/x.ts', "import type { TaskIdentity } from '../config/types.js';\nexport type Y = TaskIdentity;\n").code).toBe(0);
    expect(lintAs('src/cli/x.ts', "import { runPipeline } from '../pipeline/runPipeline.js';\nexport const y = runPipeline;\n").code).toBe(0);
  });
});
