// Reading the YAML or JSON files behind `--scripted-faults FILE` and `--scripted-latency FILE`.
// `code` (e.g. scripted.faults) lets the CLI name the flag the file came from.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../../errors.js';

export async function loadPlanFile<S extends z.ZodType>(file: string, schema: S, what: string, code: string): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`Cannot read the ${what} file ${file}.`, 'Check the path.', code);
  }
  let raw: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    raw = parseYaml(text);
  } catch (error) {
    throw new UserError(`${file}: not valid YAML or JSON: ${(error as Error).message}`, 'Fix the file.', code);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UserError(`${file}: invalid ${what}: ${problems.join('; ')}`, `See docs/scripted-provider.md for the format.`);
  }
  return parsed.data;
}
