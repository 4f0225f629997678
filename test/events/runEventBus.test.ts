import { describe, expect, it, vi } from 'vitest';
import { RunEventBus, type RunEventSubscriber } from '../../src/events/index.js';
import type { RunEvent } from '../../src/events/types.js';
import { RecordWriteError } from '../../src/errors.js';

const notice = (message: string): RunEvent => ({ type: 'run:notice', at: '2025-01-01T00:00:00.000Z', level: 'info', message });
const phaseEnd: RunEvent = { type: 'phase:end', at: '2025-01-01T00:00:00.000Z', phase: 'p' };

describe('RunEventBus', () => {
  it('calls listeners synchronously in registration order, filtered by type when asked', () => {
    const bus = new RunEventBus();
    const seen: string[] = [];
    bus.on((e) => seen.push(`all:${e.type}`));
    bus.on('phase:end', (e) => seen.push(`phase:${e.phase}`));
    bus.on((e) => seen.push(`all2:${e.type}`));
    bus.emit(notice('x'));
    bus.emit(phaseEnd);
    expect(seen).toEqual(['all:run:notice', 'all2:run:notice', 'all:phase:end', 'phase:p', 'all2:phase:end']);
  });

  it('reports a throwing listener and still calls the others', () => {
    const errors: string[] = [];
    const bus = new RunEventBus({ onListenerError: (error, event) => errors.push(`${event.type}: ${(error as Error).message}`) });
    const after = vi.fn();
    bus.on(() => {
      throw new Error('display broke');
    });
    bus.on(after);
    expect(() => bus.emit(notice('x'))).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(errors).toEqual(['run:notice: display broke']);
  });

  it('writes a listener failure to stderr once, without a stack trace', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bus = new RunEventBus();
    bus.on(() => {
      throw new Error('kaput');
    });
    bus.emit(notice('x'));
    bus.emit(notice('y'));
    expect(write.mock.calls).toHaveLength(1);
    expect(String(write.mock.calls[0]?.[0])).toMatch(/listener failed on run:notice \(kaput\)/);
    expect(String(write.mock.calls[0]?.[0])).not.toMatch(/\n\s+at /);
    write.mockRestore();
  });

  it('stops calling a listener after off() or its unsubscribe function', () => {
    const bus = new RunEventBus();
    const a = vi.fn();
    const b = vi.fn();
    bus.on(a);
    const stopB = bus.on(b);
    bus.off(a);
    stopB();
    bus.emit(notice('x'));
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });

  it('closes every attached subscriber even when one fails; an essential one failing rejects with RecordWriteError', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bus = new RunEventBus();
    const closed: string[] = [];
    const make = (name: string, fail = false): RunEventSubscriber => ({
      describe: `the ${name} record`,
      onEvent: () => undefined,
      close: async () => {
        closed.push(name);
        if (fail) throw new Error(`${name} failed`);
      },
    });
    bus.attach(make('a', true), { essential: true });
    bus.attach(make('b', true));
    bus.attach(make('c'));
    await expect(bus.close()).rejects.toThrow(new RecordWriteError('the a record', new Error('a failed')));
    expect(closed).toEqual(['a', 'b', 'c']);
    // The non-essential failure is reported, not thrown.
    expect(String(write.mock.calls[0]?.[0])).toMatch(/could not finish the b record: b failed/);
    write.mockRestore();
  });

  it('once an essential subscriber reports a failed write, every emit throws, naming the record', () => {
    const bus = new RunEventBus();
    let failure: Error | undefined;
    const seen: string[] = [];
    bus.attach({ describe: 'the state file s.json', onEvent: () => undefined, close: async () => undefined, failure: () => failure }, { essential: true });
    bus.on((e) => seen.push(e.type));
    bus.emit(notice('before'));
    failure = new Error('ENOSPC: no space left on device');
    expect(() => bus.emit(notice('during'))).toThrow(/cannot write the state file s\.json: ENOSPC/);
    expect(() => bus.emit(phaseEnd)).toThrow(RecordWriteError);
    expect(bus.failure).toBeInstanceOf(RecordWriteError);
    // Listeners saw the event during which the failure was found, and nothing after it.
    expect(seen).toEqual(['run:notice', 'run:notice']);
  });
});
