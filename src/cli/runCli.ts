// The CLI's entry: pick the command, parse its flags, run it, and map whatever it throws
// to an exit code in one place (the error boundary).

import { ConfigError, InterruptedError, RecordWriteError, UserError } from '../errors.js';
import { closestMatch } from '../util/suggest.js';
import { COMMANDS, type CommandEntry } from './commandTable.js';
import { EXIT } from './exitCodes.js';
import { flagAdvice } from './flagAdvice.js';
import { formatCommandHelp, formatMainHelp } from './help.js';
import type { CliIo } from './io.js';
import { usageHint } from './optionValues.js';
import { parseCommandArgs, wantsHelp } from './parseCommandArgs.js';
import { printProblems } from './printProblems.js';
import { readVersion } from './version.js';

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  try {
    return await dispatch(argv, io, commands);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo, commands: readonly CommandEntry[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    io.stdout.write(formatMainHelp(commands, readVersion()));
    return EXIT.ok;
  }
  if (first === '--version') {
    io.stdout.write(`${readVersion()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.stdout.write(formatMainHelp(commands, readVersion()));
      return EXIT.ok;
    }
    const command = await findCommand(rest[0], commands).load();
    io.stdout.write(formatCommandHelp(command.default));
    return EXIT.ok;
  }
  if (first.startsWith('-')) {
    throw new UserError(`unknown option '${first}'; options go after the command`, usageHint());
  }
  const command = (await findCommand(first, commands).load()).default;
  if (wantsHelp(rest)) {
    io.stdout.write(formatCommandHelp(command));
    return EXIT.ok;
  }
  return command.run(parseCommandArgs(command, rest), io);
}

function findCommand(name: string, commands: readonly CommandEntry[]): CommandEntry {
  const entry = commands.find((c) => c.name === name);
  if (entry) return entry;
  const suggestion = closestMatch(
    name,
    commands.map((c) => c.name),
  );
  const hint = suggestion ? `Did you mean '${suggestion}'? ${usageHint()}` : usageHint();
  throw new UserError(`unknown command '${name}'`, hint);
}

/** The error boundary: the user's mistakes get a message and exit 2, bugs a stack trace. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UserError) {
    io.stderr.write(`error: ${error.message}\n`);
    if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    const advice = flagAdvice(error.code);
    if (advice) io.stderr.write(`hint: ${advice}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    printProblems(error.problems, io.stderr, io.cwd);
    return EXIT.usage;
  }
  if (error instanceof RecordWriteError) {
    io.stderr.write(
      `error: ${error.message}\n` +
        'The run stopped at once: nothing more was dispatched, and what was committed stays committed.\n' +
        'hint: Make room or fix the reports directory, then continue with: flux-triton run --resume\n',
    );
    return EXIT.recordWrite;
  }
  if (error instanceof InterruptedError) {
    io.stderr.write(`interrupted${error.message ? `: ${error.message}` : ''}\n`);
    return EXIT.interrupted;
  }
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  io.stderr.write(`internal error in flux-triton, please report it with the command you ran and this output:\n${detail}\n`);
  return EXIT.internal;
}
