// Model aliases in one place. Agents and tasks may name a model by alias (`sonnet`) or by
// full id; everything past this module sees full ids only.

export const MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
});

export interface ModelChoice {
  /** `--model` on the command line: overrides everything else. */
  cli?: string | undefined;
  /** The task's `model`. */
  task?: string | undefined;
  /** The agent's front-matter `model`. */
  agent?: string | undefined;
  /** The graph's `defaults.model`. */
  defaults: string;
  /** Extra or overriding aliases (e.g. from user configuration). */
  aliases?: Readonly<Record<string, string>>;
}

/** Expands an alias; anything that is not an alias is taken to be a full id already. */
export function expandModelAlias(name: string, aliases: Readonly<Record<string, string>> = MODEL_ALIASES): string {
  const key = name.trim();
  return aliases[key.toLowerCase()] ?? key;
}

/**
 * Picks the model for one session. Precedence: the explicit `--model` flag, then the
 * task's model, then the agent's, then the graph default. An explicit CLI choice wins
 * over everything because the user asked for it on this very run.
 */
export function resolveModel(choice: ModelChoice): string {
  const aliases = { ...MODEL_ALIASES, ...choice.aliases };
  const picked = [choice.cli, choice.task, choice.agent, choice.defaults].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  return expandModelAlias(picked ?? choice.defaults, aliases);
}
