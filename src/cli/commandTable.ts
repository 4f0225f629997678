// The command table. To add a command: write src/cli/commands/<name>.ts with
// `export default defineCommand({ … })`, then add one line below. Commands load lazily,
// so `flux-triton plan` never imports what `run` needs (the SDK, git, the scheduler).

import type { Command, OptionTable } from './command.js';

export interface CommandEntry {
  name: string;
  /** Shown in `flux-triton --help`; should match the command's own `summary`. */
  summary: string;
  load: () => Promise<{ default: Command<OptionTable> }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', summary: 'Check the agents and the task graph and list every problem', load: () => import('./commands/validate.js') },
  { name: 'plan', summary: 'Show the phases, what can run side by side and the critical path', load: () => import('./commands/plan.js') },
  { name: 'run', summary: 'Run the task graph: every task, a rerun of some, or a resume', load: () => import('./commands/run.js') },
  { name: 'report', summary: 'Show a run per phase, or one phase or task in detail', load: () => import('./commands/report.js') },
  { name: 'import', summary: 'Turn a spec-kit plan (tasks.md) into a task graph', load: () => import('./commands/import.js') },
  { name: 'check', summary: 'Validate a Triton model repository before a server loads it', load: () => import('./commands/check.js') },
];
