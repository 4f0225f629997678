// Help text: the command list for `flux-triton --help` and one command's options for
// `flux-triton <command> --help`. Both are generated from the tables, so every command
// and option documented is one that exists.

import type { Command, OptionSpec, OptionTable } from './command.js';
import type { CommandEntry } from './commandTable.js';
import { EXIT_CODES_HELP } from './exitCodes.js';

export function formatMainHelp(commands: readonly CommandEntry[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `flux-triton ${version}: runs LLM sub-agents over a task graph (FLUX.1 → Triton model repository)`,
    '',
    'Usage: flux-triton <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help  Show help; `flux-triton <command> --help` for a command',
    '  --version   Print the version',
    '',
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

export function formatCommandHelp(command: Command<OptionTable>): string {
  const rows: [string, string][] = Object.entries(command.options).map(([name, spec]) => [flagLabel(name, spec), optionHelp(spec)]);
  rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [`Usage: ${command.usage}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  lines.push('', 'Options:', ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`), '', EXIT_CODES_HELP, '');
  return lines.join('\n');
}

function flagLabel(name: string, spec: OptionSpec): string {
  const long = spec.type === 'string' ? `--${name} ${spec.valueName ?? 'VALUE'}` : `--${name}`;
  return spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`;
}

function optionHelp(spec: OptionSpec): string {
  const notes: string[] = [];
  if (spec.type === 'string' && spec.multiple !== true) {
    if (spec.choices) notes.push(`one of ${spec.choices.join(', ')}`);
    if (spec.default !== undefined) notes.push(`default: ${spec.default}`);
  }
  if (spec.type === 'string' && spec.multiple === true) notes.push('repeatable');
  return notes.length === 0 ? spec.help : `${spec.help} (${notes.join('; ')})`;
}
