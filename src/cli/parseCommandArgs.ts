// Flags → typed values for one command, on top of node:util parseArgs. Its errors are
// rewritten into one-line usage errors that name the flag and suggest the closest one.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';
import { closestMatch } from '../util/suggest.js';
import type { Command, OptionTable, ParsedArgs } from './command.js';
import { usageHint } from './optionValues.js';

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

/** True when the user asked for this command's help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export function parseCommandArgs<O extends OptionTable>(command: Command<O>, argv: readonly string[]): ParsedArgs<O> {
  const options: ParseArgsOptions = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const multiple = spec.type === 'string' && spec.multiple === true;
    options[name] = spec.short === undefined ? { type: spec.type, multiple } : { type: spec.type, multiple, short: spec.short };
  }
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageErrorFrom(error, command);
  }

  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = parsed.values[name];
    if (spec.type === 'boolean') values[name] = value === true;
    else if (spec.multiple === true) values[name] = Array.isArray(value) ? value : [];
    else {
      const text = typeof value === 'string' ? value : spec.default;
      if (text !== undefined && spec.choices && !spec.choices.includes(text)) {
        throw new UserError(`invalid value '${text}' for --${name} (expected ${spec.choices.join(', ')})`, usageHint(command.name));
      }
      values[name] = text;
    }
  }

  const { positionals } = parsed;
  const allowed = command.positionals ?? { name: 'ARG', min: 0, max: 0 };
  if (positionals.length > allowed.max) {
    const extra = positionals[allowed.max] as string;
    throw new UserError(`unexpected argument '${extra}' for '${command.name}'`, usageHint(command.name));
  }
  if (positionals.length < allowed.min) {
    throw new UserError(`'${command.name}' needs ${allowed.name}`, usageHint(command.name));
  }
  return { values: values as ParsedArgs<O>['values'], positionals };
}

function usageErrorFrom(error: unknown, command: Command<OptionTable>): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return error;
  const flag = /'(-{1,2}[^'\s=]+)/.exec((error as Error).message)?.[1] ?? '';
  const hint = usageHint(command.name);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = closestMatch(flag.replace(/^-+/, ''), Object.keys(command.options));
      return new UserError(`unknown option '${flag}' for '${command.name}'`, suggestion ? `Did you mean '--${suggestion}'? ${hint}` : hint);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = flag.replace(/^-+/, '');
      const spec = command.options[name] ?? Object.values(command.options).find((o) => o.short === name);
      return spec?.type === 'boolean' ? new UserError(`option '${flag}' does not take a value`, hint) : new UserError(`option '${flag}' needs a value`, hint);
    }
    default:
      return new UserError((error as Error).message, hint);
  }
}
