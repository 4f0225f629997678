// One agent definition file (Claude Code sub-agent format): optional YAML front matter
// between `---` lines, then the Markdown body, which is the agent's system prompt.

import { basename, extname } from 'node:path';
import matter from 'gray-matter';
import { isMap } from 'yaml';
import { TOOL_NAMES, type AgentDefinition, type ConfigProblem, type ToolName } from './types.js';
import { hasErrors } from '../util/diagnostic.js';
import { configError, configWarning } from './problems.js';
import { closestMatch, didYouMean, listNames } from '../util/suggest.js';
import { YamlSource } from './yamlSource.js';
import { CLAUDE_CODE_KEYS, isClaudeCodeOnlyTool, splitPermissionRule } from './claudeCodeAgent.js';

/** The front-matter keys this tool reads; anything else is kept in `extra`. */
export const AGENT_KEYS = ['name', 'description', 'tools', 'model', 'maxTurns'] as const;

/** Names may end up in file names, commit trailers and log lines: keep them plain. */
const AGENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ParsedAgentFile {
  /** Set when the file is valid. */
  agent?: AgentDefinition;
  /** The agent's name even when the file has errors (for duplicate detection). */
  name?: string;
  /** Line of the name (front-matter key, else line 1), for duplicate messages. */
  nameLine: number;
  problems: ConfigProblem[];
}

export function parseAgentFile(file: string, rawText: string): ParsedAgentFile {
  const text = rawText.replace(/^\uFEFF/, '');
  const problems: ConfigProblem[] = [];
  const at = (line?: number, column?: number) => ({ file, line, column });

  // gray-matter finds the block; parsing it with `yaml` (not gray-matter's js-yaml) gives
  // node positions. The block text starts right after the opening `---`, so its line
  // numbers are the file's line numbers.
  let frontMatter: YamlSource | undefined;
  let language = 'yaml';
  let split: matter.GrayMatterFile<string>;
  try {
    split = matter(text, {
      engines: {
        yaml: (block: string) => {
          frontMatter = new YamlSource(file, block);
          return {};
        },
      },
    });
    language = split.language || 'yaml';
  } catch (error) {
    problems.push(configError(`cannot read front matter: ${(error as Error).message}`, at(1, 1), 'front matter must be YAML between two `---` lines'));
    return { nameLine: 1, problems };
  }
  if (language !== 'yaml') {
    problems.push(configError(`front matter in \`${language}\` is not supported`, at(1, 1), 'write the front matter in YAML (`---` on the first line)'));
    return { nameLine: 1, problems };
  }

  let data: Record<string, unknown> = {};
  if (frontMatter) {
    const syntax = frontMatter.syntaxProblems();
    problems.push(...syntax);
    if (hasErrors(syntax)) return { nameLine: 1, problems };
    const contents = frontMatter.document.contents;
    if (contents !== null && !isMap(contents)) {
      problems.push(
        configError('front matter must be a mapping of `key: value` lines', frontMatter.positionOf([]), `use keys such as ${listNames(AGENT_KEYS)}`),
      );
      return { nameLine: 1, problems };
    }
    const plain = frontMatter.toJS();
    if (plain.problem) return { nameLine: 1, problems: [...problems, plain.problem] };
    data = (plain.value ?? {}) as Record<string, unknown>;
  }
  if (!frontMatter) {
    problems.push(
      configWarning(
        'no front matter: loaded with the name from the file name and the description from the first heading or paragraph, but Claude Code itself would skip this file',
        at(1, 1),
        'add `---` lines with `name:` and `description:` at the top so Claude Code loads it too',
      ),
    );
  }
  const keyAt = (key: string) => frontMatter?.positionOf([key], 'key') ?? at(1, 1);
  const valueAt = (key: string) => frontMatter?.positionOf([key]) ?? at(1, 1);

  const body = split.content;
  const bodyLine = lineOfOffset(text, text.length - body.length);
  const prompt = body.trim();
  if (prompt === '') {
    problems.push(
      configError(
        'the agent has no prompt: the Markdown body after the front matter is empty',
        at(bodyLine, 1),
        'write the system prompt below the front matter',
      ),
    );
  }

  // name
  const fileStem = basename(file, extname(file));
  let name = fileStem;
  let nameLine = 1;
  if ('name' in data) {
    nameLine = valueAt('name').line ?? 1;
    if (typeof data.name === 'string' && data.name.trim() !== '') name = data.name.trim();
    else
      problems.push(configError('`name` must be a non-empty string', valueAt('name'), `write e.g. \`name: ${fileStem}\`, or remove it to use the file name`));
  }
  if (!AGENT_NAME_PATTERN.test(name)) {
    problems.push(
      configError(
        `agent name \`${name}\` may contain only letters, digits, \`.\`, \`_\` and \`-\``,
        'name' in data ? valueAt('name') : at(1, 1),
        'rename it, e.g. `dit-transformer-agent`',
      ),
    );
  }

  // description
  let description = '';
  if ('description' in data) {
    if (typeof data.description === 'string') description = data.description.trim();
    else problems.push(configError('`description` must be a string', valueAt('description'), 'write one line saying what the agent does'));
  }
  if (description === '') description = describeFromBody(prompt);

  // tools
  let tools: ToolName[] = [...TOOL_NAMES];
  if ('tools' in data) {
    const parsed = parseTools(data.tools);
    if (parsed.kind === 'bad-type') {
      problems.push(
        configError(
          '`tools` must be a comma-separated string or a list of tool names',
          valueAt('tools'),
          `e.g. \`tools: Read, Write, Bash\`; omit it to grant all of ${listNames(TOOL_NAMES)}`,
        ),
      );
    } else {
      for (const { entry, tool } of parsed.restricted) {
        problems.push(
          configWarning(
            `tool \`${entry}\` is a Claude Code permission rule: granted as \`${tool}\`, without the restriction in parentheses`,
            valueAt('tools'),
            `this runner limits writes to the task's outputs; list plain tool names to silence this`,
          ),
        );
      }
      for (const lacking of parsed.claudeCodeOnly) {
        problems.push(
          configWarning(
            `tool \`${lacking}\` is a Claude Code tool this runner does not provide: the agent runs without it`,
            valueAt('tools'),
            `this runner's tools are ${listNames(TOOL_NAMES)}; remove \`${lacking}\` to silence this`,
          ),
        );
      }
      for (const unknown of parsed.unknown) {
        const suggestion = closestMatch(unknown, TOOL_NAMES);
        problems.push(
          configError(
            `unknown tool \`${unknown}\``,
            valueAt('tools'),
            `${suggestion ? `did you mean \`${suggestion}\`? ` : ''}valid tools are ${listNames(TOOL_NAMES)}`,
          ),
        );
      }
      tools = parsed.tools;
      if (parsed.tools.length === 0 && parsed.unknown.length === 0) {
        problems.push(
          configWarning(
            "`tools` grants none of this runner's tools: the agent can neither read nor write files",
            valueAt('tools'),
            'list the tools it needs, or omit `tools` to grant all of them',
          ),
        );
      }
    }
  }

  // model: Claude Code's `inherit` means "the caller's model", which here is the graph default.
  let model: string | undefined;
  if ('model' in data && data.model !== null) {
    if (typeof data.model === 'string' && data.model.trim() !== '') model = data.model.trim() === 'inherit' ? undefined : data.model.trim();
    else
      problems.push(
        configError(
          '`model` must be a model alias (`opus`, `sonnet`, `haiku`) or a full model id',
          valueAt('model'),
          'e.g. `model: sonnet`, or remove it to use the graph default',
        ),
      );
  }

  // maxTurns
  let maxTurns: number | undefined;
  if ('maxTurns' in data && data.maxTurns !== null) {
    if (typeof data.maxTurns === 'number' && Number.isInteger(data.maxTurns) && data.maxTurns > 0) maxTurns = data.maxTurns;
    else
      problems.push(configError(`\`maxTurns\` must be a positive integer, not ${JSON.stringify(data.maxTurns)}`, valueAt('maxTurns'), 'e.g. `maxTurns: 40`'));
  }

  // Unknown keys: kept (Claude Code and other tools add their own) but worth a warning,
  // because a typo such as `max_turns` would otherwise be silently ignored.
  const extra: Record<string, unknown> = {};
  for (const key of Object.keys(data)) {
    if ((AGENT_KEYS as readonly string[]).includes(key)) continue;
    extra[key] = data[key];
    if (key in CLAUDE_CODE_KEYS) {
      const reason = CLAUDE_CODE_KEYS[key];
      if (reason !== undefined) problems.push(configWarning(`Claude Code's \`${key}\` is kept but not used: ${reason}`, keyAt(key)));
      continue;
    }
    problems.push(
      configWarning(`unknown front-matter key \`${key}\` is ignored`, keyAt(key), `${didYouMean(key, AGENT_KEYS)}known keys are ${listNames(AGENT_KEYS)}`),
    );
  }

  if (hasErrors(problems)) return { name, nameLine, problems };
  const agent: AgentDefinition = { name, description, tools, prompt, extra, source: { file, line: 1, column: 1 } };
  if (model !== undefined) agent.model = model;
  if (maxTurns !== undefined) agent.maxTurns = maxTurns;
  return { agent, name, nameLine, problems };
}

type ParsedTools =
  | { kind: 'bad-type' }
  | {
      kind: 'ok';
      tools: ToolName[];
      /** Neither this runner's nor Claude Code's: a typo, an error. */
      unknown: string[];
      /** Claude Code tools this runner lacks (WebFetch, mcp__…): dropped with a warning. */
      claudeCodeOnly: string[];
      /** `Bash(git:*)`: granted as the plain tool, with a warning. */
      restricted: { entry: string; tool: ToolName }[];
    };

/** `Read, Write` or `[Read, Write]`; duplicates collapse, order is kept. */
function parseTools(value: unknown): ParsedTools {
  let names: string[];
  if (typeof value === 'string') names = splitToolList(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) names = value as string[];
  else if (value === null) names = [];
  else return { kind: 'bad-type' };
  const tools: ToolName[] = [];
  const unknown: string[] = [];
  const claudeCodeOnly: string[] = [];
  const restricted: { entry: string; tool: ToolName }[] = [];
  for (const raw of names) {
    const entry = raw.trim();
    if (entry === '') continue;
    const rule = splitPermissionRule(entry);
    const tool = rule?.tool ?? entry;
    if ((TOOL_NAMES as readonly string[]).includes(tool)) {
      if (!tools.includes(tool as ToolName)) tools.push(tool as ToolName);
      if (rule) restricted.push({ entry, tool: tool as ToolName });
    } else if (isClaudeCodeOnlyTool(tool)) {
      claudeCodeOnly.push(entry);
    } else {
      unknown.push(entry);
    }
  }
  return { kind: 'ok', tools, unknown, claudeCodeOnly, restricted };
}

/** Splits on commas outside parentheses, so `Bash(git add:*, git commit:*)` stays one entry. */
function splitToolList(value: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else current += char;
  }
  entries.push(current);
  return entries;
}

/** The first heading's text, else the first paragraph, on one line. */
export function describeFromBody(body: string): string {
  const lines = body.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return '';
  const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(lines[first] ?? '');
  if (heading) return heading[1] ?? '';
  const paragraph: string[] = [];
  for (const line of lines.slice(first)) {
    if (line.trim() === '' || /^#{1,6}\s/.test(line)) break;
    paragraph.push(line.trim());
  }
  return paragraph.join(' ');
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
