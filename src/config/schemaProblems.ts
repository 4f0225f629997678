// Turns zod issues into ConfigProblems that name file:line:column, say in words what is
// wrong, and suggest the fix (for unknown keys: the closest valid key, since typos such
// as `need:` or `ouputs:` would otherwise silently change what the graph means).

import type { z } from 'zod';
import type { ConfigProblem } from './types.js';
import { configError } from './problems.js';
import { didYouMean, listNames } from '../util/suggest.js';
import { KNOWN_KEYS } from './taskGraphSchema.js';
import type { YamlPath, YamlSource } from './yamlSource.js';

type Issue = z.core.$ZodIssue;

/** The value at `path` in plain data, or undefined when any step is missing. */
export function valueAt(root: unknown, path: YamlPath): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Which keys are valid for the object at `path` in a task-graph file. */
export function knownKeysAt(path: YamlPath): readonly string[] {
  if (path.length === 0) return KNOWN_KEYS.graph;
  if (path.length === 1 && path[0] === 'defaults') return KNOWN_KEYS.defaults;
  if (path.length === 2 && path[0] === 'phases') return KNOWN_KEYS.phase;
  if (path.length === 2 && path[0] === 'tasks') return KNOWN_KEYS.task;
  if (path.length === 4 && path[0] === 'tasks' && path[2] === 'verify') return KNOWN_KEYS.verify;
  return [];
}

/**
 * Human name for a place in the file: `task T013`, `task T013 › verify[1]`,
 * `defaults.maxTurns`, `the file`. Tasks and phases are named by id when they have one,
 * because that is how the user thinks of them.
 */
export function describePath(root: unknown, path: YamlPath): string {
  if (path.length === 0) return 'the file';
  const [first, index, ...rest] = path;
  if ((first === 'tasks' || first === 'phases') && typeof index === 'number') {
    const id = valueAt(root, [first, index, 'id']);
    const kind = first === 'tasks' ? 'task' : 'phase';
    const name = typeof id === 'string' && id !== '' ? `${kind} ${id}` : `${first}[${index}]`;
    return rest.length === 0 ? name : `${name} › ${formatPath(rest)}`;
  }
  return formatPath(path);
}

function formatPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out;
}

/**
 * @param basePath where the parsed value sits in the file (issues' paths are relative to it)
 * @param root the whole file's plain data, to tell "missing" from "wrong type"
 */
export function issuesToProblems(issues: readonly Issue[], basePath: YamlPath, source: YamlSource, root: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path: YamlPath = [...basePath, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(path);
      for (const key of issue.keys) {
        const where = path.length === 0 ? '' : ` in ${describePath(root, path)}`;
        problems.push(
          configError(
            `unknown key \`${key}\`${where}`,
            source.positionOf([...path, key], 'key'),
            `${didYouMean(key, known)}valid keys here are ${listNames(known)}`,
          ),
        );
      }
      continue;
    }
    const missing = path.length > 0 && valueAt(root, path) === undefined && issue.code === 'invalid_type';
    if (missing) {
      const parent = path.slice(0, -1);
      const key = String(path[path.length - 1]);
      problems.push(configError(`${describePath(root, parent)} is missing \`${key}\``, source.positionOf(parent), `add \`${key}: …\``));
      continue;
    }
    const subject = path.length === 0 ? 'the file' : `\`${formatPath(path.slice(lastObjectIndex(path)))}\``;
    const owner = describePath(root, path.slice(0, lastObjectIndex(path)));
    const message = lastObjectIndex(path) === 0 || owner === 'the file' ? `${subject}: ${issue.message}` : `${owner}: ${subject} ${issue.message}`;
    problems.push(configError(message, source.positionOf(path), hintFor(path, issue)));
  }
  return problems;
}

/** Index where the last task/phase prefix ends, so messages read `task T1: \`estimate\` …`. */
function lastObjectIndex(path: YamlPath): number {
  if ((path[0] === 'tasks' || path[0] === 'phases') && typeof path[1] === 'number' && path.length > 2) return 2;
  return 0;
}

function hintFor(path: YamlPath, issue: Issue): string | undefined {
  const key = path.filter((s) => typeof s === 'string').at(-1);
  switch (key) {
    case 'version':
      return 'write `version: 1`';
    case 'id':
      return 'use an id such as `T013` or `models`';
    case 'needs':
      return 'write the ids of the tasks this one needs, e.g. `needs: [T009, T010]`';
    case 'outputs':
      return 'list the files the task writes, e.g. `outputs: [triton_models/vae/1/model.py]`';
    case 'estimate':
      return 'estimate the task in minutes, e.g. `estimate: 12`';
    case 'context':
      return "list file names under the graph's context/ directory, e.g. `context: [flux_pipeline.py]`";
    default:
      return issue.code === 'invalid_value' && 'values' in issue ? `use one of ${listNames(issue.values.map(String))}` : undefined;
  }
}
