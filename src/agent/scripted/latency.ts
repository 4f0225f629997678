// Simulated latency for the scripted server, for benchmarks and demos. The jitter is a
// hash of (seed, task, turn), so it does not depend on the order concurrent requests arrive in.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { loadPlanFile } from './planFiles.js';

export interface LatencyPlan {
  /** Delay before every answer. */
  defaultMs?: number;
  /** Up to this much extra delay, deterministic per task and turn. */
  jitterMs?: number;
  /** Per-task delay, replacing defaultMs for that task. */
  perTask?: Record<string, number>;
  seed?: number;
}

export const latencyPlanSchema = z
  .object({
    defaultMs: z.number().nonnegative().optional(),
    jitterMs: z.number().nonnegative().optional(),
    perTask: z.record(z.string(), z.number().nonnegative()).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

export function latencyFor(plan: LatencyPlan | undefined, task: string, turn: number): number {
  if (!plan) return 0;
  const base = plan.perTask?.[task] ?? plan.defaultMs ?? 0;
  const jitter = plan.jitterMs ?? 0;
  if (jitter <= 0) return base;
  const digest = createHash('sha256')
    .update(`${plan.seed ?? 0}:${task}:${turn}`)
    .digest();
  const fraction = digest.readUInt32BE(0) / 0x1_0000_0000;
  return base + Math.floor(fraction * (jitter + 1));
}

/** `--scripted-latency MS|FILE`: a number of milliseconds, or a YAML/JSON LatencyPlan file. */
export async function parseLatencyOption(value: string): Promise<LatencyPlan> {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return { defaultMs: Number(trimmed) };
  if (trimmed === '') {
    throw new UserError('a scripted latency needs a value.', 'Give milliseconds (e.g. 200) or a YAML/JSON file.', 'scripted.latency');
  }
  return loadPlanFile(trimmed, latencyPlanSchema, 'latency plan', 'scripted.latency');
}
