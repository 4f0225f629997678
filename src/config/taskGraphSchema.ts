// The shape of a task-graph YAML file, checked with zod. Only shapes and value ranges
// live here; cross-references (agents, needs, phases, cycles, overlaps) are checked by
// taskGraphRules.ts on the parsed result. Every object is strict, so a misspelt key is
// an error (with a suggestion) rather than a silently ignored setting.
//
// Phases, tasks and verify entries are parsed one by one (see taskGraph.ts) so that one
// broken task does not hide problems in the others.

import { z } from 'zod';
import { priceTableSchema } from '../cost/priceSchema.js';
import type { TaskDefaults } from './types.js';

/** Ids end up in file names (transcripts/<id>.jsonl), branch-free git messages and URLs. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const idMessage = 'must start with a letter or digit and contain only letters, digits, `.`, `_` and `-`';

/** Used for any key of `defaults` the file leaves out, and when `defaults` is absent. */
export const DEFAULT_TASK_DEFAULTS: TaskDefaults = { model: 'sonnet', maxTurns: 40, repairAttempts: 2 };

const nonEmptyString = z.string({ error: 'must be a string' }).trim().min(1, { error: 'must not be empty' });
const positiveInt = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).positive({ error: 'must be greater than 0' });
const nonNegativeInt = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' });
const stringList = z.array(nonEmptyString, { error: 'must be a list of strings' });

export const defaultsSchema = z.strictObject({
  model: nonEmptyString.optional(),
  maxTurns: positiveInt.optional(),
  repairAttempts: nonNegativeInt.optional(),
  maxTokens: positiveInt.optional(),
  /** USD per million tokens by model alias or id; overrides the shipped list prices. */
  pricing: priceTableSchema.optional(),
});

export const phaseSchema = z.strictObject(
  {
    id: nonEmptyString.regex(ID_PATTERN, { error: idMessage }),
    title: nonEmptyString,
  },
  { error: 'must be a mapping such as `{ id: models, title: Model implementations }`' },
);

/** Both forms share one object so unknown keys are caught; taskGraphRules decides which form it is. */
export const verifyEntrySchema = z.strictObject(
  {
    check: nonEmptyString.optional(),
    run: nonEmptyString.optional(),
    model: nonEmptyString.optional(),
    path: nonEmptyString.optional(),
    timeout: z.number({ error: 'must be a number of seconds' }).positive({ error: 'must be greater than 0' }).optional(),
    requires: stringList.optional(),
  },
  { error: 'must be a mapping such as `{ check: python-syntax }` or `{ run: "pytest -q" }`' },
);

export const taskSchema = z.strictObject(
  {
    id: nonEmptyString.regex(ID_PATTERN, { error: idMessage }),
    title: nonEmptyString,
    phase: nonEmptyString,
    agent: nonEmptyString,
    needs: z.array(nonEmptyString, { error: 'must be a list of task ids, e.g. `[T009]`' }).default([]),
    outputs: z.array(nonEmptyString, { error: 'must be a list of path globs' }).min(1, { error: 'must list at least one path glob the task writes' }),
    verify: z.array(z.unknown(), { error: 'must be a list of checks' }).default([]),
    prompt: nonEmptyString,
    model: nonEmptyString.optional(),
    maxTurns: positiveInt.optional(),
    repairAttempts: nonNegativeInt.optional(),
    estimate: z.number({ error: 'must be a number of minutes' }).positive({ error: 'must be greater than 0' }).optional(),
  },
  { error: 'must be a mapping with `id`, `title`, `phase`, `agent`, `outputs` and `prompt`' },
);

export const graphFileSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'must be 1 (the only version this flux-triton reads)' }),
    name: nonEmptyString,
    context: stringList.default([]),
    defaults: defaultsSchema.default({}),
    phases: z.array(z.unknown(), { error: 'must be a list of `{ id, title }`' }).min(1, { error: 'must list at least one phase' }),
    tasks: z.array(z.unknown(), { error: 'must be a list of tasks' }),
  },
  { error: 'the file must be a mapping with `version`, `name`, `phases` and `tasks`' },
);

export type GraphFileInput = z.infer<typeof graphFileSchema>;
export type PhaseInput = z.infer<typeof phaseSchema>;
export type TaskInput = z.infer<typeof taskSchema>;
export type VerifyEntryInput = z.infer<typeof verifyEntrySchema>;

/** Keys each kind of object accepts, for "did you mean" suggestions. */
export const KNOWN_KEYS = {
  graph: Object.keys(graphFileSchema.shape),
  defaults: Object.keys(defaultsSchema.shape),
  phase: Object.keys(phaseSchema.shape),
  task: Object.keys(taskSchema.shape),
  verify: Object.keys(verifyEntrySchema.shape),
} as const;
