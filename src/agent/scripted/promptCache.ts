// Simulated token usage with prompt-cache accounting shaped like the real API's.
//
// The request is read as a sequence of units in cache order: each tool, each system
// block, each content block of each message. A unit carrying `cache_control` is a
// breakpoint. The prefix up to a breakpoint is hashed (cache_control itself excluded, so
// moving a mark does not change the bytes). Every breakpoint is looked up among the
// prefixes seen before; the longest hit is read from the cache, the rest of the prefix up
// to the last breakpoint is written to it, and what follows the last breakpoint is
// ordinary input. Tokens are estimated as ceil(characters / charsPerToken).
import { createHash } from 'node:crypto';

export interface UsagePlan {
  /** Characters per simulated token (default 4). */
  charsPerToken?: number;
  /** Simulate prompt caching (default true). */
  promptCache?: boolean;
}

export interface SimulatedInputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

interface RequestLike {
  model?: unknown;
  tools?: unknown;
  system?: unknown;
  messages?: unknown;
}

/** Stable JSON: keys sorted, cache_control dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => key !== 'cache_control' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface Unit {
  text: string;
  breakpoint: boolean;
}

function hasCacheControl(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>).cache_control != null;
}

/** The request as cache units, in the order the cache reads them: tools, system, messages. */
export function cacheUnits(request: RequestLike): Unit[] {
  const units: Unit[] = [];
  for (const tool of Array.isArray(request.tools) ? request.tools : []) {
    units.push({ text: canonicalJson(tool), breakpoint: hasCacheControl(tool) });
  }
  if (typeof request.system === 'string') units.push({ text: canonicalJson(request.system), breakpoint: false });
  for (const block of Array.isArray(request.system) ? request.system : []) {
    units.push({ text: canonicalJson(block), breakpoint: hasCacheControl(block) });
  }
  for (const message of Array.isArray(request.messages) ? request.messages : []) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    // The role is part of what the model sees; fold it into the first unit of the message.
    const prefix = `${String(role)}:`;
    // A string is shorthand for one text block, and caches the same.
    const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
    blocks.forEach((block, i) => {
      units.push({ text: (i === 0 ? prefix : '') + canonicalJson(block), breakpoint: hasCacheControl(block) });
    });
  }
  return units;
}

export function countCacheBreakpoints(request: RequestLike): number {
  return cacheUnits(request).filter((unit) => unit.breakpoint).length;
}

/** One server's view of the prompt cache: the hashes of every prefix written to it. */
export class PromptCache {
  readonly #seen = new Set<string>();
  readonly #charsPerToken: number;
  readonly #enabled: boolean;

  constructor(plan: UsagePlan = {}) {
    this.#charsPerToken = plan.charsPerToken ?? 4;
    this.#enabled = plan.promptCache ?? true;
  }

  tokens(chars: number): number {
    return Math.ceil(chars / this.#charsPerToken);
  }

  /** Accounts one request's input and records its breakpoints for later requests. */
  account(request: RequestLike): SimulatedInputUsage {
    const units = cacheUnits(request);
    let hash = createHash('sha256').update(String(request.model)).digest('hex');
    let chars = 0;
    let readChars = 0;
    let lastBreakpointChars = 0;
    const breakpointHashes: string[] = [];
    for (const unit of units) {
      hash = createHash('sha256').update(hash).update(unit.text).digest('hex');
      chars += unit.text.length;
      if (!unit.breakpoint || !this.#enabled) continue;
      breakpointHashes.push(hash);
      lastBreakpointChars = chars;
      if (this.#seen.has(hash)) readChars = chars;
    }
    for (const seen of breakpointHashes) this.#seen.add(seen);
    const read = this.tokens(readChars);
    const upToLast = this.tokens(lastBreakpointChars);
    return {
      cache_read_input_tokens: read,
      cache_creation_input_tokens: upToLast - read,
      input_tokens: this.tokens(chars) - upToLast,
    };
  }
}
