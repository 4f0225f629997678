// max_batch_size and the dynamic batcher's settings.
import { bool, enumName, field, int, ints, mapEntries, message, posOf } from '../schema/decoded.js';
import type { Rule, RuleContext } from './context.js';

export function maxBatchSize(ctx: RuleContext): number {
  return int(ctx.config, 'max_batch_size') ?? 0;
}

export const maxBatchSizeNonNegative: Rule = (ctx) => {
  const mbs = maxBatchSize(ctx);
  if (mbs < 0) {
    ctx.report(
      'error',
      'config.max-batch-size-negative',
      posOf(ctx.config, 'max_batch_size'),
      `max_batch_size is ${mbs}; it must be >= 0 (0 = no batching)`,
      'use 0 to disable batching or a positive batch limit',
    );
  }
};

export const dynamicBatching: Rule = (ctx) => {
  const db = message(ctx.config, 'dynamic_batching');
  if (!db) return;
  const mbs = maxBatchSize(ctx);
  if (mbs === 0) {
    ctx.report(
      'warning',
      'config.dynamic-batching-without-batching',
      field(ctx.config, 'dynamic_batching')?.pos ?? db.pos,
      'dynamic_batching is on but max_batch_size is 0, so the batcher can never form a batch larger than 1',
      'set max_batch_size > 0 or remove dynamic_batching',
    );
  }
  for (const p of ints(db, 'preferred_batch_size')) {
    if (p.value <= 0) {
      ctx.report('error', 'config.preferred-batch-size', p.pos, `preferred_batch_size ${p.value} must be > 0`);
    } else if (p.value > Math.max(mbs, 0)) {
      ctx.report(
        'error',
        'config.preferred-batch-size',
        p.pos,
        `preferred_batch_size ${p.value} is larger than max_batch_size ${mbs}`,
        `use sizes between 1 and ${mbs}, or raise max_batch_size`,
      );
    }
  }
  const levels = int(db, 'priority_levels') ?? 0;
  if (levels > 0) {
    const def = int(db, 'default_priority_level') ?? 0;
    if (def < 1 || def > levels) {
      ctx.report(
        'error',
        'config.priority-level',
        field(db, 'default_priority_level') ? posOf(db, 'default_priority_level') : posOf(db, 'priority_levels'),
        `default_priority_level ${def} must be between 1 and priority_levels (${levels})`,
        `set default_priority_level: ${Math.min(Math.max(def, 1), levels)}`,
      );
    }
    for (const entry of mapEntries(db, 'priority_queue_policy')) {
      const key = Number(entry.key);
      if (!(key >= 1 && key <= levels)) {
        ctx.report('error', 'config.priority-level', entry.keyPos, `priority_queue_policy key ${entry.key} must be between 1 and priority_levels (${levels})`);
      }
    }
  } else if (mapEntries(db, 'priority_queue_policy').length > 0 || field(db, 'default_priority_level')) {
    ctx.report(
      'warning',
      'config.priority-level',
      posOf(db, field(db, 'default_priority_level') ? 'default_priority_level' : 'priority_queue_policy'),
      'priority settings are ignored because priority_levels is 0',
      'set priority_levels or remove the priority settings',
    );
  }
  if (bool(db, 'preserve_ordering')) {
    if (levels > 1) {
      ctx.report('error', 'config.preserve-ordering', posOf(db, 'preserve_ordering'), `preserve_ordering needs priority_levels <= 1 (found ${levels})`);
    }
    const policies = [
      message(db, 'default_queue_policy'),
      ...mapEntries(db, 'priority_queue_policy').map((e) => (e.value?.kind === 'message' ? e.value.message : undefined)),
    ];
    for (const policy of policies) {
      if (policy && enumName(policy, 'timeout_action') === 'DELAY' && (int(policy, 'default_timeout_microseconds') ?? 0) > 0) {
        ctx.report(
          'error',
          'config.preserve-ordering',
          posOf(policy, 'timeout_action'),
          'with preserve_ordering, a queue policy may not combine timeout_action: DELAY with a non-zero default_timeout_microseconds',
        );
      }
    }
  }
};
