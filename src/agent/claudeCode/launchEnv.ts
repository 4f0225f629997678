// The environment a Claude Code process starts with. The SDK replaces the child's whole
// environment with it, and Claude Code's Bash tool inherits it, so it starts from the
// tools' environment (secrets withheld, the checks' python first on PATH) and adds back
// only what Claude Code needs to reach the model.
import { WORKSPACE_HEADER } from '../scripted/claudeCodeInputs.js';
import { TASK_HEADER } from '../scripted/server.js';

/** Variables Claude Code reads to sign in or pick an endpoint; passed through online only. */
export const CLAUDE_CODE_LOGIN_ENV = [
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'CLAUDE_CODE_OAUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'AWS_PROFILE',
  'AWS_REGION',
  'CLOUD_ML_REGION',
  'ANTHROPIC_VERTEX_PROJECT_ID',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
] as const;

/** Off in every mode: a runner's sessions need no update checks, telemetry or error reports. */
const QUIET: Record<string, string> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_AGENT_SDK_CLIENT_APP: 'flux-triton',
};

export type ClaudeCodeEnvOptions =
  | { mode: 'live'; env: NodeJS.ProcessEnv; toolEnv: NodeJS.ProcessEnv; task: string }
  | { mode: 'offline'; env: NodeJS.ProcessEnv; toolEnv: NodeJS.ProcessEnv; task: string; workspaceDir: string; baseUrl: string; configDir: string };

export function claudeCodeEnv(opts: ClaudeCodeEnvOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...opts.toolEnv, ...QUIET };
  if (opts.mode === 'live') {
    for (const name of CLAUDE_CODE_LOGIN_ENV) {
      const value = opts.env[name];
      if (value !== undefined && value !== '') env[name] = value;
    }
    return env;
  }
  for (const name of CLAUDE_CODE_LOGIN_ENV) delete env[name];
  return {
    ...env,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    // Explicit, so Claude Code never looks for a stored login; the local server accepts any key.
    ANTHROPIC_API_KEY: 'scripted-local',
    // Every request Claude Code makes names the task, so the server plays that task's script,
    // and the workspace, against which the server makes the scripts' paths absolute.
    ANTHROPIC_CUSTOM_HEADERS: `${TASK_HEADER}: ${opts.task}\n${WORKSPACE_HEADER}: ${opts.workspaceDir}`,
    CLAUDE_CONFIG_DIR: opts.configDir,
    // Claude Code's Bash sources the shell start-up files under HOME; an offline replay
    // should not depend on (or wait for) the user's ~/.bashrc.
    HOME: opts.configDir,
  };
}
