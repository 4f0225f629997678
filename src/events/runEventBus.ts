// The spine of a run: the scheduler emits, subscribers listen. Listeners run synchronously
// in registration order so every subscriber sees the same sequence.
//
// The one rule for failing subscribers lives here. An *essential* subscriber keeps a record
// the run depends on (state file, event log, transcripts): once it fails, synchronously or
// in a write it reports through `failure()`, every later `emit` throws a RecordWriteError,
// so the scheduler stops dispatching at once and the run ends with a clear message. Any
// other subscriber (run log, reports, progress view) failing is reported once and skipped:
// a broken progress display must not stop a run.
import { RecordWriteError } from '../errors.js';
import type { RunEvent, RunEventListener, RunEventType } from './types.js';

/** A subscriber with a lifetime: it sees every event, then `close()` flushes its files. */
export interface RunEventSubscriber {
  onEvent(event: RunEvent): void;
  close(): Promise<void>;
  /** A write that failed after `onEvent` returned (async writes); undefined while all is well. */
  failure?(): unknown;
  /** What it writes, for messages: "the state file reports/runs/X/state.json". */
  readonly describe?: string;
}

export interface AttachOptions {
  /** The run cannot go on without this subscriber's record (see the rule above). */
  essential?: boolean;
}

type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

interface Registration {
  type?: RunEventType;
  listener: (event: RunEvent) => void;
  original: unknown;
  /** Set for an attached subscriber that is essential. */
  essential?: RunEventSubscriber;
  /** A non-essential listener's failures are reported once. */
  reported?: boolean;
}

export interface RunEventBusOptions {
  /** Where non-essential listener failures go; stderr by default. */
  onListenerError?: (error: unknown, event: RunEvent) => void;
}

export class RunEventBus {
  private registrations: Registration[] = [];
  private readonly subscribers: { subscriber: RunEventSubscriber; essential: boolean }[] = [];
  private readonly onListenerError: (error: unknown, event: RunEvent) => void;
  private fatal: RecordWriteError | undefined;

  constructor(options: RunEventBusOptions = {}) {
    this.onListenerError = options.onListenerError ?? reportToStderr;
  }

  /** Listens to every event, or to one type; returns a function that stops listening. */
  on(listener: RunEventListener): () => void;
  on<T extends RunEventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  on(typeOrListener: RunEventType | RunEventListener, maybeListener?: (event: never) => void): () => void {
    const registration: Registration =
      typeof typeOrListener === 'function'
        ? { listener: typeOrListener, original: typeOrListener }
        : { type: typeOrListener, listener: maybeListener as (event: RunEvent) => void, original: maybeListener };
    // Copy on write, so a listener that unsubscribes during emit does not skip its neighbour.
    this.registrations = [...this.registrations, registration];
    return () => {
      this.registrations = this.registrations.filter((r) => r !== registration);
    };
  }

  /** Removes every registration of `listener`. */
  off(listener: RunEventListener | ((event: never) => void)): void {
    this.registrations = this.registrations.filter((r) => r.original !== listener);
  }

  /** The essential record that failed, if any: the run must stop. */
  get failure(): RecordWriteError | undefined {
    return this.fatal ?? this.pollEssential();
  }

  /** Delivers `event` to every listener; throws a RecordWriteError once an essential record failed. */
  emit(event: RunEvent): void {
    if (this.fatal) throw this.fatal;
    for (const registration of this.registrations) {
      if (registration.type && registration.type !== event.type) continue;
      try {
        registration.listener(event);
      } catch (error) {
        if (registration.essential) {
          this.fatal ??= recordError(registration.essential, error);
        } else if (!registration.reported) {
          registration.reported = true;
          this.onListenerError(error, event);
        }
      }
    }
    const fatal = this.failure;
    if (fatal) throw fatal;
  }

  /** Registers a subscriber's `onEvent`; `close()` will close it, in attach order. */
  attach<S extends RunEventSubscriber>(subscriber: S, options: AttachOptions = {}): S {
    const essential = options.essential ?? false;
    const listener = (event: RunEvent): void => subscriber.onEvent(event);
    this.registrations = [...this.registrations, { listener, original: listener, ...(essential ? { essential: subscriber } : {}) }];
    this.subscribers.push({ subscriber, essential });
    return subscriber;
  }

  /**
   * Closes every attached subscriber (all of them, even when one fails). An essential
   * record's failure is thrown as a RecordWriteError; any other is reported and swallowed.
   */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.subscribers.map(({ subscriber }) => subscriber.close()));
    for (const [index, result] of results.entries()) {
      const { subscriber, essential } = this.subscribers[index] as (typeof this.subscribers)[number];
      if (result.status === 'fulfilled') continue;
      if (essential) this.fatal ??= recordError(subscriber, result.reason);
      else reportCloseFailure(subscriber, result.reason);
    }
    const fatal = this.failure;
    if (fatal) throw fatal;
  }

  private pollEssential(): RecordWriteError | undefined {
    for (const { subscriber, essential } of this.subscribers) {
      if (!essential) continue;
      const failure = subscriber.failure?.();
      if (failure !== undefined) return (this.fatal = recordError(subscriber, failure));
    }
    return undefined;
  }
}

function recordError(subscriber: RunEventSubscriber, error: unknown): RecordWriteError {
  if (error instanceof RecordWriteError) return error;
  return new RecordWriteError(subscriber.describe ?? subscriber.constructor.name, error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reportToStderr(error: unknown, event: RunEvent): void {
  process.stderr.write(`flux-triton: warning: a run event listener failed on ${event.type} (${messageOf(error)}); it is skipped from now on\n`);
}

function reportCloseFailure(subscriber: RunEventSubscriber, error: unknown): void {
  process.stderr.write(`flux-triton: warning: could not finish ${subscriber.describe ?? subscriber.constructor.name}: ${messageOf(error)}\n`);
}
