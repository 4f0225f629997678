// Writes state.json after every event. Events can arrive faster than the disk, so writes
// are coalesced: one write in flight at a time, and when it finishes the newest state is
// written next (intermediate states are skipped; the file only ever moves forward).
//
// At scale (thousands of tasks) each write is the whole file, so two things keep the cost
// per event from growing with the run: redaction is done once per task record (the reducer
// returns the same object for every task an event did not touch, so a WeakMap remembers
// the redacted copy), and after a write that took d ms the next one waits up to
// PAUSE_FACTOR × d (at most MAX_PAUSE_MS) while events keep arriving, so writing takes a
// bounded share of the time. flush() and close() skip the pause: what they resolve on is
// the newest state on disk.
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';
import { cachedSecretRedactor } from '../util/secrets.js';
import { redactDeepWith } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import { applyRunEvent, type RunState } from './runState.js';
import type { RunEvent } from './types.js';

const PAUSE_FACTOR = 3;
const MAX_PAUSE_MS = 250;

export class StateFileWriter implements RunEventSubscriber {
  readonly file: string;
  private current: RunState | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private lastError: unknown;
  private flushing = false;
  private endPause: (() => void) | undefined;
  private readonly redacted = new WeakMap<object, unknown>();
  /** Secret values read once for the run (see cachedSecretRedactor), not once per redacted record. */
  private readonly redact = cachedSecretRedactor();
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
    // In place: the writer always writes the newest state, so it keeps no earlier one.
    this.current = applyRunEvent(this.current, event);
    this.dirty = true;
    this.writing ??= this.drain();
  }

  /** Resolves when the newest state is on disk; rejects if the last write failed. */
  async flush(): Promise<void> {
    this.flushing = true;
    try {
      this.endPause?.();
      while (this.writing) await this.writing;
    } finally {
      this.flushing = false;
    }
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
        const started = performance.now();
        try {
          await writeFileAtomic(this.file, `${JSON.stringify(this.redactedState(this.current), null, 2)}\n`);
          this.lastError = undefined;
        } catch (error) {
          this.lastError = error;
          this.firstError ??= error;
        }
        if (this.dirty && !this.flushing) await this.pause(Math.min(MAX_PAUSE_MS, (performance.now() - started) * PAUSE_FACTOR));
      }
    } finally {
      this.writing = undefined;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.endPause = () => {
        this.endPause = undefined;
        done();
      };
    });
  }

  /** The state with secrets redacted; task records and notices an event did not replace are redacted once. */
  private redactedState(state: RunState): RunState {
    const once = <T extends object>(value: T): T => {
      let copy = this.redacted.get(value) as T | undefined;
      if (!copy) this.redacted.set(value, (copy = redactDeepWith(value, this.redact)));
      return copy;
    };
    // Key order as in the state itself, so the file reads the same as before.
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(state)) {
      if (key === 'tasks') {
        const tasks: RunState['tasks'] = {};
        for (const [id, record] of Object.entries(state.tasks)) tasks[id] = once(record);
        copy[key] = tasks;
      } else if (key === 'notices') {
        copy[key] = state.notices.map(once);
      } else {
        copy[key] = redactDeepWith(value, this.redact);
      }
    }
    return copy as unknown as RunState;
  }
}
