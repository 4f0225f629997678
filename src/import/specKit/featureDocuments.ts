// The feature's documents spec-kit writes beside tasks.md. They become the graph's
// context files, so every agent reads the spec and plan the tasks were written from.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

const DOCUMENTS = ['spec.md', 'plan.md', 'data-model.md', 'research.md', 'quickstart.md'];
const DOCUMENT_DIRS = ['contracts'];

export interface FeatureDocument {
  /** Absolute path of the original. */
  source: string;
  /** Path in the graph's `context` list (and in the workspace): `specs/<feature>/spec.md`. */
  contextPath: string;
}

export function findFeatureDocuments(tasksFile: string): FeatureDocument[] {
  const featureDir = dirname(tasksFile);
  // Under `specs/` the documents keep their place in the repository, so a run whose workspace
  // is that repository finds them where they already are.
  const parent = basename(dirname(featureDir));
  const prefix = parent === 'specs' ? `specs/${basename(featureDir)}` : basename(featureDir);
  const found: string[] = [];
  for (const name of DOCUMENTS) if (isFile(join(featureDir, name))) found.push(join(featureDir, name));
  for (const dir of DOCUMENT_DIRS) found.push(...filesUnder(join(featureDir, dir)));
  return found.map((source) => ({ source, contextPath: `${prefix}/${relative(featureDir, source).split(sep).join('/')}` }));
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}
