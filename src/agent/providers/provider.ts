// Where sessions get their Anthropic client: the real API, or the local scripted server.
// Both are the official SDK client, so real and offline runs take the same code path.
import Anthropic from '@anthropic-ai/sdk';
import { UserError } from '../../errors.js';
import type { FaultPlan } from '../scripted/faults.js';
import type { LatencyPlan } from '../scripted/latency.js';
import type { UsagePlan } from '../scripted/promptCache.js';
import { startScriptedServer, TASK_HEADER, type ScriptedServer } from '../scripted/server.js';

export type ProviderKind = 'anthropic' | 'scripted';

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
}

export interface Provider {
  kind: ProviderKind;
  /** A client for one task's session; it tags every request with the task id. */
  client(task: string): Anthropic;
  /** One line for the CLI: which provider, and how to switch. */
  describe(): string;
  close(): Promise<void>;
  /** The local server, for the scripted provider (tests read its recorded requests). */
  server?: ScriptedServer | undefined;
}

function taskHeaders(task: string): Record<string, string> {
  return { [TASK_HEADER]: task };
}

export async function createProvider(opts: ProviderOptions): Promise<Provider> {
  const apiKey = opts.env.ANTHROPIC_API_KEY?.trim() || undefined;
  const kind: ProviderKind = opts.kind ?? (apiKey ? 'anthropic' : 'scripted');

  if (kind === 'anthropic') {
    if (!apiKey) {
      throw new UserError(
        '--provider anthropic needs an API key, and ANTHROPIC_API_KEY is not set.',
        'Set ANTHROPIC_API_KEY, or run offline with --provider scripted.',
      );
    }
    const baseURL = opts.env.ANTHROPIC_BASE_URL?.trim() || undefined;
    return {
      kind,
      client: (task) =>
        new Anthropic({
          apiKey,
          ...(baseURL ? { baseURL } : {}),
          ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
          defaultHeaders: taskHeaders(task),
          logLevel: 'off', // failures reach the user through retry notices and task reasons, once
        }),
      describe: () =>
        `Provider: anthropic (Claude API at ${baseURL ?? 'https://api.anthropic.com'}, key from ANTHROPIC_API_KEY). ` +
        'Use --provider scripted to replay the offline scripts instead.',
      close: async () => {},
    };
  }

  const server = await startScriptedServer({
    scriptsDir: opts.scriptsDir,
    goldenDir: opts.goldenDir,
    faults: opts.faults,
    latency: opts.latency,
    usage: opts.usage,
  });
  const why = opts.kind === 'scripted' ? 'as requested' : 'no ANTHROPIC_API_KEY is set';
  return {
    kind,
    server,
    client: (task) =>
      new Anthropic({
        // Always explicit: with no key the SDK would go looking for credentials elsewhere.
        apiKey: 'scripted-local',
        baseURL: server.url,
        ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
        defaultHeaders: taskHeaders(task),
        logLevel: 'off',
      }),
    describe: () =>
      `Provider: scripted (offline, ${why}): replaying ${opts.scriptsDir} from a local server at ${server.url}; no Claude API calls are made. ` +
      'For real Claude sub-agents set ANTHROPIC_API_KEY and pass --provider anthropic.',
    close: () => server.close(),
  };
}
