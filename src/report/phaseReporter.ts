// The report subscriber: when a phase ends, its report (Markdown + JSON); when the run
// ends, the summary, plus a report for any phase that never got its phase:end (an
// interrupted run, or a phase whose tasks were all blocked).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { applyRunEvent, phaseReportBase, redactDeep, writeFileAtomic, type RunEventSubscriber, type RunState } from '../events/index.js';
import type { RunEvent } from '../events/types.js';
import { redactSecrets } from '../util/secrets.js';
import { renderPhaseMarkdown } from './phaseMarkdown.js';
import { renderSummaryMarkdown } from './summaryMarkdown.js';
import { REPORT_SCHEMA_VERSION, summarizePhase, summarizeRun } from './summaries.js';

export class PhaseReporter implements RunEventSubscriber {
  private state: RunState | undefined;
  private readonly written = new Set<string>();
  private pending: Promise<void> = Promise.resolve();
  private readonly errors: unknown[] = [];

  constructor(private readonly options: { runDir: string /** The state a resumed run continues. */; initial?: RunState }) {
    this.state = options.initial;
  }

  onEvent(event: RunEvent): void {
    const state = (this.state = applyRunEvent(this.state, event));
    if (event.type !== 'phase:end' && event.type !== 'run:end') return;
    // The report is written later while events keep updating the state in place: it gets
    // a copy of the state as it is now (records are replaced, not changed, so shallow is enough).
    const snapshot = snapshotOf(state);
    if (event.type === 'phase:end') {
      this.written.add(event.phase);
      this.enqueue(() => this.writePhase(snapshot, event.phase));
    } else if (event.type === 'run:end') {
      for (const phase of snapshot.phases) {
        if (this.written.has(phase.id)) continue;
        this.written.add(phase.id);
        this.enqueue(() => this.writePhase(snapshot, phase.id));
      }
      this.enqueue(() => this.writeSummary(snapshot));
    }
  }

  /** Waits for every report write; rejects with the first failure. */
  async close(): Promise<void> {
    await this.pending;
    if (this.errors.length > 0) throw this.errors[0];
  }

  private enqueue(write: () => Promise<void>): void {
    this.pending = this.pending.then(write).catch((error: unknown) => {
      this.errors.push(error);
    });
  }

  private async writePhase(state: RunState, phaseId: string): Promise<void> {
    const phase = summarizePhase(state, phaseId);
    const base = phaseReportBase(this.options.runDir, phase.index, phase.id);
    await mkdir(path.dirname(base), { recursive: true });
    const json = { schemaVersion: REPORT_SCHEMA_VERSION, runId: state.runId, graphName: state.graphName, phase };
    await writeFileAtomic(`${base}.json`, `${JSON.stringify(redactDeep(json), null, 2)}\n`);
    await writeFileAtomic(`${base}.md`, redactSecrets(renderPhaseMarkdown(phase, state)));
  }

  private async writeSummary(state: RunState): Promise<void> {
    const summary = summarizeRun(state);
    await writeFileAtomic(path.join(this.options.runDir, 'summary.json'), `${JSON.stringify(redactDeep(summary), null, 2)}\n`);
    await writeFileAtomic(path.join(this.options.runDir, 'summary.md'), redactSecrets(renderSummaryMarkdown(summary, state)));
  }
}

function snapshotOf(state: RunState): RunState {
  return { ...state, tasks: { ...state.tasks }, phases: [...state.phases], notices: [...state.notices] };
}
