// Writes state.json after every event. Events can arrive faster than the disk, so writes
// are coalesced: one write in flight at a time, and when it finishes the newest state is
// written next (intermediate states are skipped; the file only ever moves forward).
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';
import { redactDeep } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import { reduceRunState, type RunState } from './runState.js';
import type { RunEvent } from './types.js';

export class StateFileWriter implements RunEventSubscriber {
  readonly file: string;
  private current: RunState | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private lastError: unknown;
  /** Kept even when a later write succeeds: the bus stops the run on the first failure. */
  private firstError: unknown;

  constructor(options: { runDir: string; initial?: RunState }) {
    this.file = path.join(options.runDir, 'state.json');
    this.current = options.initial;
  }

  get describe(): string {
    return `the state file ${this.file}`;
  }

  failure(): unknown {
    return this.firstError;
  }

  get state(): RunState | undefined {
    return this.current;
  }

  onEvent(event: RunEvent): void {
    this.current = reduceRunState(this.current, event);
    this.dirty = true;
    this.writing ??= this.drain();
  }

  /** Resolves when the newest state is on disk; rejects if the last write failed. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.lastError) {
      const error = this.lastError;
      this.lastError = undefined;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.flush();
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty && this.current) {
        this.dirty = false;
        try {
          await writeFileAtomic(this.file, `${JSON.stringify(redactDeep(this.current), null, 2)}\n`);
          this.lastError = undefined;
        } catch (error) {
          this.lastError = error;
          this.firstError ??= error;
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
