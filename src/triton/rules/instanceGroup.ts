// instance_group: kinds, devices and counts.
import { enumName, field, int, ints, messages, posOf, str } from '../schema/decoded.js';
import type { Rule } from './context.js';

export const instanceGroupRules: Rule = (ctx) => {
  const platform = str(ctx.config, 'platform');
  for (const group of messages(ctx.config, 'instance_group')) {
    const kind = enumName(group, 'kind') ?? 'KIND_AUTO';
    const gpus = ints(group, 'gpus');
    if ((kind === 'KIND_CPU' || kind === 'KIND_MODEL') && gpus.length > 0) {
      ctx.report(
        'error',
        'config.instance-group-gpus',
        posOf(group, 'gpus'),
        `an instance group of kind ${kind} must not list gpus`,
        kind === 'KIND_CPU' ? 'remove gpus, or use kind: KIND_GPU' : 'remove gpus',
      );
    }
    for (const g of gpus) {
      if (g.value < 0) ctx.report('error', 'config.instance-group-gpus', g.pos, `gpu id ${g.value} must be >= 0`);
    }
    const count = int(group, 'count');
    if (count !== undefined && count < 1 && field(group, 'count')) {
      ctx.report('error', 'config.instance-group-count', posOf(group, 'count'), `instance group count ${count} must be >= 1`, 'use count: 1 or more');
    }
    if (field(group, 'profile') && platform !== 'tensorrt_plan') {
      ctx.report(
        'error',
        'config.instance-group-profile',
        posOf(group, 'profile'),
        'profile is only allowed for TensorRT models (platform tensorrt_plan)',
        'remove profile',
      );
    }
  }
};
