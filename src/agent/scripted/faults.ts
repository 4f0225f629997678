// Fault injection for the scripted server: HTTP errors with retry-after, delays, cut
// streams, malformed tool input, unknown tool names. Rules match requests by task and turn
// and are used up `times` times each; the counters let tests assert how many attempts
// the server actually saw.
import { z } from 'zod';
import { loadPlanFile } from './planFiles.js';

export interface FaultRule {
  task?: string;
  /** 1-based turn (the script entry being played); omitted = any turn. */
  turn?: number;
  /** How many matching requests this rule applies to (default 1). */
  times?: number;
  /** Answer with this HTTP status and an error body instead of the turn. */
  status?: number;
  /** The error body's `error.type`; defaults from the status (429 rate_limit_error, 529 overloaded_error...). */
  errorType?: string;
  /** `retry-after` header, in seconds. */
  retryAfter?: number;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** Wait this long before answering (aborts when the client goes away). */
  delayMs?: number;
  /** SSE: destroy the socket after this many events. JSON: destroy it before answering. */
  cutAfterEvents?: number;
  /** Send invalid JSON as the first tool call's input. */
  malformedToolInput?: boolean;
  /** Replace the first tool call's name with this. */
  unknownTool?: string;
  /** SSE: after message_start, send `event: error` with this error type (e.g. overloaded_error). */
  streamErrorType?: string;
  /** SSE: after this many events, send one whose data is not JSON, and end the stream. */
  malformedEventAfter?: number;
}

export interface FaultPlan {
  rules: FaultRule[];
}

const ruleSchema = z
  .object({
    task: z.string().optional(),
    turn: z.number().int().positive().optional(),
    times: z.number().int().positive().optional(),
    status: z.number().int().min(400).max(599).optional(),
    errorType: z.string().optional(),
    retryAfter: z.number().nonnegative().optional(),
    retryAfterMs: z.number().nonnegative().optional(),
    delayMs: z.number().nonnegative().optional(),
    cutAfterEvents: z.number().int().nonnegative().optional(),
    malformedToolInput: z.boolean().optional(),
    unknownTool: z.string().optional(),
    streamErrorType: z.string().optional(),
    malformedEventAfter: z.number().int().nonnegative().optional(),
  })
  .strict();

export const faultPlanSchema = z.object({ rules: z.array(ruleSchema) }).strict();

export async function loadFaultPlan(file: string): Promise<FaultPlan> {
  return loadPlanFile(file, faultPlanSchema, 'fault plan', 'scripted.faults');
}

export interface FaultRuleState {
  rule: FaultRule;
  /** Requests this rule was applied to. */
  applied: number;
  /** Requests that matched its task/turn, whether or not it still had uses left. */
  matched: number;
}

/** Tracks which rules are used up; one per server. */
export class FaultInjector {
  readonly states: FaultRuleState[];

  constructor(plan: FaultPlan | undefined) {
    this.states = (plan?.rules ?? []).map((rule) => ({ rule, applied: 0, matched: 0 }));
  }

  /** The first matching rule with uses left, consumed by this call. */
  take(task: string, turn: number): FaultRule | undefined {
    let chosen: FaultRuleState | undefined;
    for (const state of this.states) {
      const { rule } = state;
      if (rule.task !== undefined && rule.task !== task) continue;
      if (rule.turn !== undefined && rule.turn !== turn) continue;
      state.matched++;
      if (!chosen && state.applied < (rule.times ?? 1)) chosen = state;
    }
    if (chosen) chosen.applied++;
    return chosen?.rule;
  }
}

const ERROR_TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

export function errorTypeForStatus(status: number): string {
  return ERROR_TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}
