// run.log: a pino JSON log of the run, one line per event at a level that matches what
// happened (failures are errors, blocked work and warnings are warnings, turns are debug).
// Turn contents are summarised here; the full turns live in the transcripts.
import pino, { type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { cachedSecretRedactor } from '../util/secrets.js';
import { redactDeepWith } from './redactEvent.js';
import type { RunEventSubscriber } from './runEventBus.js';
import type { RunEvent } from './types.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Credential-bearing fields pino blanks out wherever they appear (two levels deep). */
export const REDACTED_LOG_PATHS = ['apiKey', '*.apiKey', 'headers.authorization', 'headers["x-api-key"]', '*.headers.authorization', '*.headers["x-api-key"]'];

export class RunLogger implements RunEventSubscriber {
  readonly file: string;
  readonly logger: Logger;
  private readonly destination: ReturnType<typeof pino.destination>;
  /** Secret values read once for the run (see cachedSecretRedactor), not once per event. */
  private readonly redact: (text: string) => string;
  private error: unknown;

  constructor(options: { runDir: string; level?: Level; env?: NodeJS.ProcessEnv }) {
    this.file = path.join(options.runDir, 'run.log');
    this.redact = cachedSecretRedactor(options.env ?? process.env);
    mkdirSync(options.runDir, { recursive: true });
    // Synchronous writes: a log that loses its last lines when the process dies is no log.
    this.destination = pino.destination({ dest: this.file, sync: true, append: true });
    this.logger = pino(
      {
        level: options.level ?? 'debug',
        base: null,
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
      },
      this.destination,
    );
    this.destination.on('error', (error: unknown) => {
      this.error ??= error;
    });
  }

  get describe(): string {
    return `the run log ${this.file}`;
  }

  onEvent(event: RunEvent): void {
    if (this.error) throw this.error;
    const { level, message, fields } = describe(event);
    try {
      this.logger[level](redactDeepWith({ event: event.type, ...fields }, this.redact), redactDeepWith(message, this.redact));
    } catch (error) {
      this.error ??= error;
      throw error;
    }
  }

  async close(): Promise<void> {
    // After a failed write (say ENOSPC) sonic-boom's flushSync retries the unwritten bytes
    // forever, blocking the event loop (and with it SIGINT/SIGTERM): never call it then.
    if (this.error) {
      this.destination.destroy();
      throw this.error;
    }
    this.destination.flushSync();
    this.destination.end();
  }
}

function describe(event: RunEvent): { level: Level; message: string; fields: Record<string, unknown> } {
  switch (event.type) {
    case 'run:start':
      return {
        level: 'info',
        message: `run ${event.runId} started: ${event.graphName}, ${event.tasks.length} tasks, provider ${event.provider}`,
        fields: { runId: event.runId, graph: event.graph, provider: event.provider, concurrency: event.concurrency, resumedFrom: event.resumedFrom },
      };
    case 'task:state': {
      const level: Level = event.state === 'failed' ? 'error' : event.state === 'blocked' || event.state === 'interrupted' ? 'warn' : 'info';
      return {
        level,
        message: `${event.task} ${event.previous} -> ${event.state}${event.reason ? `: ${event.reason}` : ''}`,
        fields: { task: event.task, state: event.state, previous: event.previous, reason: event.reason },
      };
    }
    case 'task:turn': {
      const tools = event.turn.assistant.flatMap((block) => (block.type === 'tool_use' ? [block.name] : []));
      return {
        level: 'debug',
        message: `${event.task} turn ${event.turn.turn} (${event.turn.stopReason ?? 'no stop reason'})`,
        fields: {
          task: event.task,
          turn: event.turn.turn,
          model: event.turn.model,
          requestId: event.turn.requestId,
          stopReason: event.turn.stopReason,
          tools,
          usage: event.turn.usage,
          retries: event.turn.retries,
        },
      };
    }
    case 'task:verify': {
      const checks = event.attempt.results.map((r) => ({ name: r.name, status: r.status, reason: r.reason, durationMs: r.durationMs }));
      return {
        level: event.attempt.passed ? 'info' : 'warn',
        message: `${event.task} verify attempt ${event.attempt.attempt + 1} ${event.attempt.passed ? 'passed' : 'failed'}`,
        fields: { task: event.task, attempt: event.attempt.attempt, passed: event.attempt.passed, checks },
      };
    }
    case 'task:commit':
      return {
        level: 'info',
        message: `${event.task} committed ${event.commit.sha.slice(0, 7)}`,
        fields: { task: event.task, sha: event.commit.sha, files: event.commit.files },
      };
    case 'task:outputs':
      return {
        level: 'debug',
        message: `${event.task} outputs ${event.fingerprint.slice(0, 12)}`,
        fields: { task: event.task, fingerprint: event.fingerprint },
      };
    case 'task:usage':
      return { level: 'debug', message: `${event.task} usage`, fields: { task: event.task, model: event.model, usage: event.usage } };
    case 'task:cost':
      return {
        level: 'debug',
        message: `${event.task} turn ${event.turn} cost ${event.costUsd === null ? 'unknown (no price for the model)' : `$${event.costUsd.toFixed(6)}`}`,
        fields: { task: event.task, turn: event.turn, model: event.model, costUsd: event.costUsd },
      };
    case 'phase:start':
    case 'phase:end':
      return { level: 'info', message: `phase ${event.phase} ${event.type === 'phase:start' ? 'started' : 'ended'}`, fields: { phase: event.phase } };
    case 'run:notice':
      return { level: event.level, message: event.message, fields: { task: event.task } };
    case 'run:end':
      return {
        level: event.status === 'succeeded' ? 'info' : event.status === 'interrupted' ? 'warn' : 'error',
        message: `run ${event.runId} ${event.status}`,
        fields: { runId: event.runId, status: event.status },
      };
  }
}
