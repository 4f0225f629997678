// What Claude Code's sub-agent files may contain beyond what this runner uses, so that a
// `.claude/agents` folder copied from a real repository loads with warnings, not errors:
// tools and front-matter keys Claude Code has and this runner does not, and the other
// Markdown (README.md …) such folders often hold.

/** Claude Code tools this runner does not provide: granted in a file, they are warned about and dropped. */
const CLAUDE_CODE_ONLY_TOOLS = [
  'Agent',
  'BashOutput',
  'ExitPlanMode',
  'KillShell',
  'ListMcpResourcesTool',
  'LS',
  'MultiEdit',
  'NotebookEdit',
  'NotebookRead',
  'ReadMcpResourceTool',
  'SlashCommand',
  'Skill',
  'Task',
  'TodoWrite',
  'WebFetch',
  'WebSearch',
] as const;

/** True for a tool Claude Code has and this runner lacks, including every MCP tool (`mcp__server__tool`). */
export function isClaudeCodeOnlyTool(name: string): boolean {
  return name.startsWith('mcp__') || (CLAUDE_CODE_ONLY_TOOLS as readonly string[]).includes(name);
}

/**
 * `Bash(git diff:*)` is a Claude Code permission rule: the tool plus a restriction on its
 * input. Returns the tool and the rule, or undefined for a plain name.
 */
export function splitPermissionRule(entry: string): { tool: string; rule: string } | undefined {
  const match = /^([A-Za-z_][\w]*)\((.*)\)$/.exec(entry);
  return match ? { tool: match[1] as string, rule: match[2] as string } : undefined;
}

/**
 * Front-matter keys Claude Code reads that this runner does not act on, each with the
 * reason given in the warning; `undefined` means understood and safe to ignore silently.
 */
export const CLAUDE_CODE_KEYS: Readonly<Record<string, string | undefined>> = {
  color: undefined, // only how Claude Code's UI shows the agent
  permissionMode: "this runner has its own permission model (writes only to the task's outputs), so `permissionMode` is not applied",
  skills: "this runner does not load Claude Code skills; put what the agent needs in its prompt or the graph's context files",
  mcpServers: 'this runner has no MCP client; the agent runs without these servers',
  hooks: "this runner does not run Claude Code hooks; use the task's `verify` checks instead",
  disallowedTools: 'list the tools the agent may use in `tools` instead; `disallowedTools` is not applied',
};

/**
 * Markdown that sits in agents folders but is not an agent (documentation of the folder).
 * Compared without extension and case: README.md, readme.MD, CHANGELOG.md …
 */
const NON_AGENT_DOCUMENTS = ['readme', 'changelog', 'contributing', 'license', 'licence', 'code_of_conduct', 'security', 'authors', 'notice', 'index'];

export function isNonAgentDocument(fileName: string): boolean {
  return NON_AGENT_DOCUMENTS.includes(fileName.replace(/\.md$/i, '').toLowerCase());
}

/**
 * Why bytes cannot be an agent file (a binary dropped in the folder, a corrupt download),
 * or undefined when they are UTF-8 text. The offset lets the user find the spot.
 */
export function whyNotText(bytes: Uint8Array): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return `it contains a NUL byte at offset ${nul}, so it is binary, not Markdown`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `it is not valid UTF-8 text (first bad byte near offset ${firstInvalidUtf8(bytes)})`;
  }
  return undefined;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Binary search on the longest valid prefix; `stream` lets a prefix end mid-character.
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
