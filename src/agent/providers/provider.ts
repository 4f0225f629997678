// Where sessions get their Anthropic client: the real API, or the local scripted server.
// Both are the official SDK client, so real and offline runs take the same code path.
import Anthropic from '@anthropic-ai/sdk';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { ClaudeCodeSession } from '../claudeCode/session.js';
import { claudeCodeEnv } from '../claudeCode/launchEnv.js';
import { AgentSession, type AgentSessionOptions } from '../session.js';
import type { TaskSession } from '../types.js';
import type { FaultPlan } from '../scripted/faults.js';
import type { LatencyPlan } from '../scripted/latency.js';
import type { UsagePlan } from '../scripted/promptCache.js';
import { startScriptedServer, TASK_HEADER, type ScriptedServer, type ScriptedServerOptions } from '../scripted/server.js';

export type ProviderKind = 'anthropic' | 'scripted' | 'claude-code';

/** What the runner knows when it opens a task's session; the provider adds the engine. */
export type TaskSessionOptions = Omit<AgentSessionOptions, 'client'> & {
  /** claude-code: the Claude Code session to continue (recorded in the task's transcript). */
  resumeSessionId?: string | undefined;
  /** Turns already recorded for this task (a resumed session numbers on from them). */
  turnsSoFar?: number | undefined;
};

export interface ProviderOptions {
  /** Default: 'anthropic' when ANTHROPIC_API_KEY is set in `env`, else 'scripted'. */
  kind?: ProviderKind | undefined;
  env: NodeJS.ProcessEnv;
  /** Scripts for the scripted provider (tasks/scripted). */
  scriptsDir: string;
  /** Golden files that `*_file` script inputs name (tasks/golden). */
  goldenDir: string;
  faults?: FaultPlan | undefined;
  latency?: LatencyPlan | undefined;
  usage?: UsagePlan | undefined;
  /** The SDK's own retries per request (SDK default 2). */
  maxRetries?: number | undefined;
  /**
   * claude-code: point Claude Code at the local scripted server (offline) instead of the
   * Claude API with the user's own login. Its session files go to a temporary folder.
   */
  offline?: boolean | undefined;
  /**
   * claude-code --offline: the folder Claude Code uses as its config folder and HOME, kept
   * so `run --resume` in a later process finds the sessions (default: a temporary folder,
   * removed at close).
   */
  claudeCodeHome?: string | undefined;
  /** claude-code: a Claude Code executable other than the one the Agent SDK ships. */
  claudeCodeExecutable?: string | undefined;
  /**
   * Keep every request the offline server served in `server.requests` (tests read them).
   * Off by default: about 17 KB per task, for as long as the provider lives.
   */
  recordRequests?: boolean | undefined;
}

export interface Provider {
  kind: ProviderKind;
  /**
   * A client for one task's session; it tags every request with the task id. The
   * claude-code provider has none (Claude Code makes its own requests) and throws.
   */
  client(task: string): Anthropic;
  /** One task's session on this provider's engine. */
  session(options: TaskSessionOptions): TaskSession;
  /** One line for the CLI: which provider, and how to switch. */
  describe(): string;
  close(): Promise<void>;
  /** The local server, for the scripted provider (tests read its recorded requests). */
  server?: ScriptedServer | undefined;
}

function taskHeaders(task: string): Record<string, string> {
  return { [TASK_HEADER]: task };
}

/**
 * A client of its own for one task (the Provider.client contract): the shared client's
 * settings with the task header on every request.
 */
function taskClient(shared: Anthropic, task: string): Anthropic {
  return shared.withOptions({ defaultHeaders: taskHeaders(task) });
}

/**
 * Every session of a run uses the one client built for the provider: building a client
 * per task cost about 0.4 ms of main-thread time each (options, headers, auth state), and
 * the SDK keeps no per-request state on it (the signal, headers and retries belong to each
 * request). Connections were shared already: the SDK uses the global fetch, whose pool is
 * per origin. The task header travels with each request instead of the client's defaults.
 */
function sharedClientSession(shared: Anthropic, options: TaskSessionOptions): AgentSession {
  return new AgentSession({ ...options, client: shared, headers: { ...taskHeaders(options.task.id), ...options.headers } });
}

/** The offline server's settings from the provider's (the scripted and claude-code providers share them). */
function scriptedServerOptions(opts: ProviderOptions): ScriptedServerOptions {
  return {
    scriptsDir: opts.scriptsDir,
    goldenDir: opts.goldenDir,
    faults: opts.faults,
    latency: opts.latency,
    usage: opts.usage,
    recordRequests: opts.recordRequests ?? false,
  };
}

export async function createProvider(opts: ProviderOptions): Promise<Provider> {
  const apiKey = opts.env.ANTHROPIC_API_KEY?.trim() || undefined;
  const kind: ProviderKind = opts.kind ?? (apiKey ? 'anthropic' : 'scripted');

  if (kind === 'anthropic') {
    if (!apiKey) {
      throw new UserError(
        'the anthropic provider needs an API key, and ANTHROPIC_API_KEY is not set.',
        'Set ANTHROPIC_API_KEY, or run offline with the scripted provider.',
        'provider.no-key',
      );
    }
    const baseURL = opts.env.ANTHROPIC_BASE_URL?.trim() || undefined;
    const shared = new Anthropic({
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
      logLevel: 'off', // failures reach the user through retry notices and task reasons, once
    });
    return {
      kind,
      client: (task) => taskClient(shared, task),
      session: (options) => sharedClientSession(shared, options),
      describe: () =>
        `Provider: anthropic (Claude API at ${baseURL ?? 'https://api.anthropic.com'}, key from ANTHROPIC_API_KEY). ` +
        'The scripted provider replays the offline scripts instead.',
      close: async () => {},
    };
  }

  if (kind === 'claude-code') return createClaudeCodeProvider(opts);

  const server = await startScriptedServer(scriptedServerOptions(opts));
  const why = opts.kind === 'scripted' ? 'as requested' : 'no ANTHROPIC_API_KEY is set';
  const shared = new Anthropic({
    // Always explicit: with no key the SDK would go looking for credentials elsewhere.
    apiKey: 'scripted-local',
    baseURL: server.url,
    ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
    logLevel: 'off',
  });
  return {
    kind,
    server,
    client: (task) => taskClient(shared, task),
    session: (options) => sharedClientSession(shared, options),
    describe: () =>
      `Provider: scripted (offline, ${why}): replaying ${opts.scriptsDir} from a local server at ${server.url}; no Claude API calls are made. ` +
      'For real Claude sub-agents set ANTHROPIC_API_KEY and choose the anthropic provider.',
    close: () => server.close(),
  };
}

/**
 * Claude Code through the Agent SDK. Online it uses Claude Code's own login (its stored
 * sign-in, or ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN); offline it talks to the local
 * scripted server, which rewrites the scripts' relative paths to the absolute ones Claude
 * Code's tools require.
 */
async function createClaudeCodeProvider(opts: ProviderOptions): Promise<Provider> {
  const noClient = (): never => {
    throw new Error('The claude-code provider has no Messages API client: Claude Code makes its own requests.');
  };
  const executable = opts.claudeCodeExecutable;
  if (!opts.offline) {
    return {
      kind: 'claude-code',
      client: noClient,
      session: (options) =>
        new ClaudeCodeSession({
          ...options,
          launch: { env: claudeCodeEnv({ mode: 'live', env: opts.env, toolEnv: options.bashEnv ?? opts.env, task: options.task.id }), executable },
        }),
      describe: () =>
        "Provider: claude-code (each task is a headless Claude Code session through the Agent SDK, using Claude Code's own login or ANTHROPIC_API_KEY). " +
        'Offline, it replays the scripts through Claude Code against a local server instead.',
      close: async () => {},
    };
  }
  const server = await startScriptedServer({ ...scriptedServerOptions(opts), claudeCode: true });
  // Claude Code keeps its sessions (needed to resume one) under its config folder; offline
  // runs use a folder of their own, never the user's ~/.claude.
  const temporary = opts.claudeCodeHome === undefined;
  const configDir = opts.claudeCodeHome ?? (await mkdtemp(path.join(tmpdir(), 'flux-triton-claude-code-')));
  if (!temporary) await mkdir(configDir, { recursive: true });
  return {
    kind: 'claude-code',
    server,
    client: noClient,
    session: (options) =>
      new ClaudeCodeSession({
        ...options,
        launch: {
          env: claudeCodeEnv({
            mode: 'offline',
            env: opts.env,
            toolEnv: options.bashEnv ?? opts.env,
            task: options.task.id,
            workspaceDir: options.workspaceDir,
            baseUrl: server.url,
            configDir,
          }),
          executable,
        },
      }),
    describe: () =>
      `Provider: claude-code, offline: Claude Code sessions replay ${opts.scriptsDir} from a local server at ${server.url}; no Claude API calls are made.`,
    close: async () => {
      await server.close();
      if (temporary) await rm(configDir, { recursive: true, force: true });
    },
  };
}
