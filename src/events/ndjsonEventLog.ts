// events.ndjson: the run's full event stream, one JSON object per line, appended as it
// happens. It is the record a state file can be rebuilt from (reduceRunState over it).
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { readJsonLines } from './jsonLines.js';
import { redactDeep } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import type { RunEvent } from './types.js';

export class NdjsonEventLog implements RunEventSubscriber {
  readonly file: string;
  private readonly stream: WriteStream;
  private readonly env: NodeJS.ProcessEnv;
  private error: Error | undefined;

  constructor(options: { runDir: string; env?: NodeJS.ProcessEnv }) {
    this.file = path.join(options.runDir, 'events.ndjson');
    mkdirSync(options.runDir, { recursive: true });
    this.stream = createWriteStream(this.file, { flags: 'a' });
    this.stream.on('error', (error) => {
      this.error ??= error;
    });
    this.env = options.env ?? process.env;
  }

  onEvent(event: RunEvent): void {
    if (this.error) return;
    this.stream.write(`${JSON.stringify(redactDeep(event, this.env))}\n`);
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
