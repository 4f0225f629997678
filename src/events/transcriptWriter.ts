// transcripts/<task>.jsonl: every complete turn of a task's session, in order, so an
// interrupted session can be continued from it and a user can read what an agent did.
// Appends to one file are chained so lines never interleave or reorder.
import { mkdir, appendFile } from 'node:fs/promises';
import type { TurnRecord } from '../agent/types.js';
import { readJsonLines, trimPartialLastLine } from './jsonLines.js';
import { cachedSecretRedactor } from '../util/secrets.js';
import { redactDeepWith } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import { transcriptFile } from './runPaths.js';
import type { RunEvent } from './types.js';
import path from 'node:path';

export class TranscriptWriter implements RunEventSubscriber {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly errors: unknown[] = [];
  /** Secret values read once for the run (see cachedSecretRedactor), not once per event. */
  private readonly redact: (text: string) => string;

  constructor(private readonly options: { runDir: string; env?: NodeJS.ProcessEnv }) {
    this.redact = cachedSecretRedactor(options.env ?? process.env);
  }

  get describe(): string {
    return `the transcripts in ${path.join(this.options.runDir, 'transcripts')}`;
  }

  failure(): unknown {
    return this.errors[0];
  }

  fileFor(taskId: string): string {
    return transcriptFile(this.options.runDir, taskId);
  }

  onEvent(event: RunEvent): void {
    if (event.type !== 'task:turn') return;
    const file = this.fileFor(event.task);
    const line = `${JSON.stringify(redactDeepWith(event.turn, this.redact))}\n`;
    // The first line of a file this process writes: after a kill or a full disk, the file
    // may end mid-line; cut that back so resume appends whole lines only.
    const previous = this.chains.get(file) ?? mkdir(path.dirname(file), { recursive: true }).then(() => trimPartialLastLine(file));
    const next: Promise<void> = previous
      .then(() => appendFile(file, line))
      .catch((error: unknown) => {
        this.errors.push(error);
      })
      .finally(() => {
        // A settled chain holds nothing: drop it, so finished tasks do not accumulate.
        if (this.chains.get(file) === next) this.chains.delete(file);
      });
    this.chains.set(file, next);
  }

  /** Resolves when every line is on disk; rejects with the first write failure. */
  async close(): Promise<void> {
    await Promise.all(this.chains.values());
    if (this.errors.length > 0) throw this.errors[0];
  }
}

/** The turns in a transcript, tolerating a last line cut short by a killed run. */
export function readTranscript(file: string): TurnRecord[] {
  return readJsonLines<TurnRecord>(file);
}
