import { describe, expect, it, vi } from 'vitest';
import { RunEventBus, type RunEventSubscriber } from '../../src/events/index.js';
import type { RunEvent } from '../../src/events/types.js';

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

  it('writes listener failures to stderr by default', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const bus = new RunEventBus();
    bus.on(() => {
      throw new Error('kaput');
    });
    bus.emit(notice('x'));
    expect(String(write.mock.calls[0]?.[0])).toMatch(/listener failed on run:notice: .*kaput/);
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

  it('closes every attached subscriber even when one fails, then reports the failure', async () => {
    const bus = new RunEventBus();
    const closed: string[] = [];
    const make = (name: string, fail = false): RunEventSubscriber => ({
      onEvent: () => undefined,
      close: async () => {
        closed.push(name);
        if (fail) throw new Error(`${name} failed`);
      },
    });
    bus.attach(make('a', true));
    bus.attach(make('b'));
    await expect(bus.close()).rejects.toThrow('a failed');
    expect(closed).toEqual(['a', 'b']);
  });
});
