// The agent runtime's public API: one session, its tools, the providers that supply a
// client, and the scripted Messages-API server.
export { AgentSession, DEFAULT_MAX_TOKENS_PER_TURN, DEFAULT_TURN_RETRIES } from './session.js';
export type { AgentSessionOptions, SessionExtras } from './session.js';
export { buildTaskMessage, type NeededFile } from './taskMessage.js';
export { composeRequest, composeSystem, withCacheMarks, MAX_CACHE_MARKS } from './request.js';
export { MODEL_ALIASES, resolveModel, expandModelAlias, type ModelChoice } from './models.js';
export { createProvider, type Provider, type ProviderKind, type ProviderOptions } from './providers/provider.js';
export { startScriptedServer, TASK_HEADER } from './scripted/server.js';
export type { ScriptedServer, ScriptedServerOptions, RecordedRequest } from './scripted/server.js';
export { loadFaultPlan, type FaultPlan, type FaultRule, type FaultRuleState } from './scripted/faults.js';
export { parseLatencyOption, type LatencyPlan } from './scripted/latency.js';
export type { UsagePlan } from './scripted/promptCache.js';
export { TOOL_DEFINITIONS, describeToolInput } from './tools/definitions.js';
export { executeToolCall, type ToolCall, type ToolOutcome } from './tools/registry.js';
export { openWorkspace, resolveInWorkspace, WriteScope, type Workspace } from './tools/sandbox.js';
export { classifyFailure, turnRetryWaitMs, retryAfterFromHeaders } from './retryPolicy.js';
export { zeroUsage, addUsage } from './usage.js';
export type * from './types.js';
