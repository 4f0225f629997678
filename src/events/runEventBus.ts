// The spine of a run: the scheduler emits, subscribers listen. Listeners run synchronously
// in registration order so every subscriber sees the same sequence; a listener that
// throws is reported and skipped, because a broken progress display must not stop a run.
import type { RunEvent, RunEventListener, RunEventType } from './types.js';

/** A subscriber with a lifetime: it sees every event, then `close()` flushes its files. */
export interface RunEventSubscriber {
  onEvent(event: RunEvent): void;
  close(): Promise<void>;
}

type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

interface Registration {
  type?: RunEventType;
  listener: (event: RunEvent) => void;
  original: unknown;
}

export interface RunEventBusOptions {
  /** Where listener failures go; stderr by default. */
  onListenerError?: (error: unknown, event: RunEvent) => void;
}

export class RunEventBus {
  private registrations: Registration[] = [];
  private readonly subscribers: RunEventSubscriber[] = [];
  private readonly onListenerError: (error: unknown, event: RunEvent) => void;

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

  emit(event: RunEvent): void {
    for (const registration of this.registrations) {
      if (registration.type && registration.type !== event.type) continue;
      try {
        registration.listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  /** Registers a subscriber's `onEvent`; `close()` will close it, in attach order. */
  attach<S extends RunEventSubscriber>(subscriber: S): S {
    this.on((event) => subscriber.onEvent(event));
    this.subscribers.push(subscriber);
    return subscriber;
  }

  /** Closes every attached subscriber (all of them, even when one fails), then rethrows the first failure. */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.subscribers.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

function reportToStderr(error: unknown, event: RunEvent): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`flux-triton: a run event listener failed on ${event.type}: ${message}\n`);
}
