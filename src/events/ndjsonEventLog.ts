// events.ndjson: the run's full event stream, one JSON object per line, appended as it
// happens. It is the record a state file can be rebuilt from (reduceRunState over it).
import { createWriteStream, existsSync, mkdirSync, openSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { readJsonLines, trimPartialLastLine } from './jsonLines.js';
import { cachedSecretRedactor } from '../util/secrets.js';
import { redactDeepWith } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import type { RunEvent } from './types.js';

export class NdjsonEventLog implements RunEventSubscriber {
  readonly file: string;
  private readonly stream: WriteStream;
  /** Secret values read once for the run (see cachedSecretRedactor), not once per event. */
  private readonly redact: (text: string) => string;
  private error: Error | undefined;

  constructor(options: { runDir: string; env?: NodeJS.ProcessEnv }) {
    this.file = path.join(options.runDir, 'events.ndjson');
    mkdirSync(options.runDir, { recursive: true });
    trimPartialLastLine(this.file); // a resumed run appends after whole lines only
    // Opened here, not lazily by the stream, so the file exists from the first event on.
    this.stream = createWriteStream(this.file, { fd: openSync(this.file, 'a') });
    this.stream.on('error', (error) => {
      this.error ??= error;
    });
    this.redact = cachedSecretRedactor(options.env ?? process.env);
  }

  get describe(): string {
    return `the event log ${this.file}`;
  }

  failure(): unknown {
    return this.error;
  }

  onEvent(event: RunEvent): void {
    if (this.error) return;
    // The stream writes to an open file: were the reports directory deleted, every event
    // from now on would go into a file nobody can see. Say so instead of losing them.
    if (!existsSync(this.file)) {
      this.error = new Error(`${this.file} was deleted while the run was writing it (was the reports directory removed?)`);
      return;
    }
    this.stream.write(`${JSON.stringify(redactDeepWith(event, this.redact))}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.end(() => (this.error ? reject(this.error) : resolve()));
    });
  }
}

/** Events from an events.ndjson, tolerating a last line cut short by a killed run. */
export function readEventLog(file: string): RunEvent[] {
  return readJsonLines<RunEvent>(file);
}
