// Turns a task's `verify:` entries into VerifySpecs: `{ check: … }` is a built-in check,
// `{ run: "…" }` a command. Entries arrive shape-checked (verifyEntrySchema); this adds
// the rules that depend on which form an entry is.

import { BUILTIN_CHECKS, type BuiltinCheckName, type ConfigProblem, type VerifySpec } from './types.js';
import { configError } from './problems.js';
import { didYouMean, listNames } from '../util/suggest.js';
import type { VerifyEntryInput } from './taskGraphSchema.js';
import type { YamlPath, YamlSource } from './yamlSource.js';

/** Example entries, quoted in hints. */
const CHECK_EXAMPLES: Record<BuiltinCheckName, string> = {
  pbtxt: '{ check: pbtxt, model: vae_decoder }',
  'python-syntax': '{ check: python-syntax }',
  'triton-contract': '{ check: triton-contract, model: dit_transformer }',
  junit: '{ check: junit, path: test-results/T003.xml }',
};

/** The VerifySpec, or undefined after pushing the problems that prevent one. */
export function toVerifySpec(entry: VerifyEntryInput, path: YamlPath, label: string, source: YamlSource, problems: ConfigProblem[]): VerifySpec | undefined {
  const error = (message: string, at: YamlPath, hint: string) => problems.push(configError(`${label}: ${message}`, source.positionOf(at), hint));
  const keyPath = (key: string): YamlPath => [...path, key];

  if (entry.check !== undefined && entry.run !== undefined) {
    error('has both `check` and `run`', path, 'split it into two entries: one `{ check: … }` and one `{ run: "…" }`');
    return undefined;
  }
  if (entry.check === undefined && entry.run === undefined) {
    error(
      'has neither `check` nor `run`',
      path,
      `write a built-in check such as \`${CHECK_EXAMPLES['python-syntax']}\` or a command such as \`{ run: "pytest -q" }\``,
    );
    return undefined;
  }

  if (entry.run !== undefined) {
    let ok = true;
    for (const key of ['model', 'path'] as const) {
      if (entry[key] !== undefined) {
        error(`\`${key}\` applies only to \`check\` entries`, keyPath(key), `remove \`${key}\`, or pass it to the command in \`run\``);
        ok = false;
      }
    }
    if (!ok) return undefined;
    const spec: VerifySpec = { kind: 'run', run: entry.run };
    if (entry.timeout !== undefined) spec.timeout = entry.timeout;
    if (entry.requires !== undefined) spec.requires = entry.requires;
    return spec;
  }

  const check = entry.check as string;
  if (!(BUILTIN_CHECKS as readonly string[]).includes(check)) {
    error(
      `unknown check \`${check}\``,
      keyPath('check'),
      `${didYouMean(check, BUILTIN_CHECKS)}built-in checks are ${listNames(BUILTIN_CHECKS)}; to run a command write \`{ run: "…" }\``,
    );
    return undefined;
  }
  const name = check as BuiltinCheckName;
  let ok = true;
  if (entry.timeout !== undefined) {
    error('`timeout` applies only to `run` entries', keyPath('timeout'), 'remove it; built-in checks are fast');
    ok = false;
  }
  if (name === 'triton-contract' && entry.model === undefined) {
    error('check `triton-contract` needs `model`', path, `name the Triton model it checks, e.g. \`${CHECK_EXAMPLES['triton-contract']}\``);
    ok = false;
  }
  if (name === 'junit' && entry.path === undefined) {
    error('check `junit` needs `path`', path, `give the JUnit XML file the task writes, e.g. \`${CHECK_EXAMPLES.junit}\``);
    ok = false;
  }
  if (!ok) return undefined;
  const spec: VerifySpec = { kind: 'builtin', check: name };
  if (entry.model !== undefined) spec.model = entry.model;
  if (entry.path !== undefined) spec.path = entry.path;
  if (entry.requires !== undefined) spec.requires = entry.requires;
  return spec;
}
