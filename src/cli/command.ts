// The shape of one CLI command. Each command lives in its own file under commands/,
// exports a Command as its default export, and is listed in commandTable.ts.

import type { CliIo } from './io.js';

interface OptionBase {
  /** One line for `--help`. */
  help: string;
  /** Single-letter alias, e.g. `f` for `-f`. */
  short?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  multiple?: false;
  /** Placeholder shown in help: `--graph FILE`. */
  valueName?: string;
  default?: string;
  /** Accepted values; anything else is a usage error listing them. */
  choices?: readonly string[];
}

export interface StringListOption extends OptionBase {
  type: 'string';
  /** Repeatable: `--task T1 --task T2`. */
  multiple: true;
  valueName?: string;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

export type OptionSpec = StringOption | StringListOption | BooleanOption;
export type OptionTable = Record<string, OptionSpec>;

/** Parsed option values, typed from the table: booleans default to false, lists to []. */
export type OptionValues<O extends OptionTable> = {
  [K in keyof O]: O[K] extends BooleanOption
    ? boolean
    : O[K] extends StringListOption
      ? string[]
      : O[K] extends { choices: readonly (infer C extends string)[]; default: string }
        ? C
        : O[K] extends { choices: readonly (infer C extends string)[] }
          ? C | undefined
          : O[K] extends { default: string }
            ? string
            : string | undefined;
};

export interface ParsedArgs<O extends OptionTable> {
  values: OptionValues<O>;
  positionals: string[];
}

export interface PositionalSpec {
  /** Shown in usage errors, e.g. `DIR`. */
  name: string;
  min: number;
  max: number;
}

export interface Command<O extends OptionTable = OptionTable> {
  name: string;
  /** One line, shown in `flux-triton --help`. */
  summary: string;
  /** The synopsis after `Usage:`, e.g. `flux-triton plan [--format text|mermaid|json]`. */
  usage: string;
  /** Paragraphs shown in the command's `--help` after the usage line. */
  description?: string;
  options: O;
  /** Omitted = the command takes no positional arguments. */
  positionals?: PositionalSpec;
  /** Returns the exit code. Throw UserError/ConfigError for the user's mistakes. */
  run(args: ParsedArgs<O>, io: CliIo): Promise<number>;
}

/** Identity function that infers the option table's literal types for `run`'s args. */
export function defineCommand<const O extends OptionTable>(command: Command<O>): Command<O> {
  return command;
}
