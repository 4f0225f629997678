// Every load-time rule, run in this order on each decoded config.
import { dynamicBatching, maxBatchSizeNonNegative } from './batching.js';
import type { Rule } from './context.js';
import { nameMatchesDirectory, pythonBackend } from './identity.js';
import { instanceGroupRules } from './instanceGroup.js';
import { parameterRules } from './parameters.js';
import { reshapeRules, tensorDeclarations, tensorFlags, uniqueTensorNames } from './tensors.js';
import { warmupRules } from './warmup.js';

export type { Rule, RuleContext } from './context.js';

export const LOAD_TIME_RULES: readonly Rule[] = [
  nameMatchesDirectory,
  pythonBackend,
  maxBatchSizeNonNegative,
  tensorDeclarations,
  uniqueTensorNames,
  reshapeRules,
  tensorFlags,
  dynamicBatching,
  warmupRules,
  instanceGroupRules,
  parameterRules,
];
