// Path globs as the task graph uses them for `outputs` (and the Glob tool for patterns):
// `*` and `?` stay inside one path segment, `**` spans segments (`a/**/b` also matches
// `a/b`), `[...]`/`[!...]` are character classes and `{x,y}` alternatives. Paths use `/`.
//
// Besides matching, the loader must know whether two tasks' globs could ever name the
// same file. That is the emptiness of the intersection of two regular languages, decided
// here on small NFAs built from the same tokens, so both questions share one grammar.

type CharTest = { kind: 'char'; char: string } | { kind: 'notSlash' } | { kind: 'anyChar' } | { kind: 'class'; negated: boolean; ranges: [string, string][] };

type Token =
  | { kind: 'one'; test: CharTest }
  | { kind: 'star' } // any run of non-slash characters
  | { kind: 'globstar' } // any run of characters, slashes included
  | { kind: 'globstarSegments' } // `**/`: nothing, or any run of characters ending in `/`
  | { kind: 'trailingSegments' }; // final `/**`: nothing, or `/` followed by anything

/** Expands `{a,b}` alternatives (nested allowed); an unmatched `{` is literal. */
export function expandBraces(pattern: string): string[] {
  const open = findTopLevelBrace(pattern);
  if (!open) return [pattern];
  const { start, end, parts } = open;
  const head = pattern.slice(0, start);
  const tail = pattern.slice(end + 1);
  return parts.flatMap((part) => expandBraces(head + part + tail));
}

function findTopLevelBrace(pattern: string): { start: number; end: number; parts: string[] } | undefined {
  for (let start = 0; start < pattern.length; start++) {
    if (pattern[start] === '\\') {
      start++;
      continue;
    }
    if (pattern[start] !== '{') continue;
    let depth = 0;
    const parts: string[] = [];
    let partStart = start + 1;
    for (let i = start; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          parts.push(pattern.slice(partStart, i));
          if (parts.length > 1) return { start, end: i, parts };
          break; // `{x}` without a comma is literal
        }
      } else if (ch === ',' && depth === 1) {
        parts.push(pattern.slice(partStart, i));
        partStart = i + 1;
      }
    }
  }
  return undefined;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        let j = i;
        while (pattern[j] === '*') j++;
        if (atSegmentStart && pattern[j] === '/') {
          tokens.push({ kind: 'globstarSegments' });
          i = j; // the slash is part of the token
        } else {
          tokens.push({ kind: 'globstar' });
          i = j - 1;
        }
      } else {
        tokens.push({ kind: 'star' });
      }
    } else if (ch === '?') {
      tokens.push({ kind: 'one', test: { kind: 'notSlash' } });
    } else if (ch === '[') {
      const parsed = parseClass(pattern, i);
      if (parsed) {
        tokens.push({ kind: 'one', test: parsed.test });
        i = parsed.end;
      } else {
        tokens.push({ kind: 'one', test: { kind: 'char', char: '[' } });
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      tokens.push({ kind: 'one', test: { kind: 'char', char: pattern[i] as string } });
    } else {
      tokens.push({ kind: 'one', test: { kind: 'char', char: ch } });
    }
  }
  // `a/**` also matches `a` itself, as in most shells' globstar.
  const last = tokens.length - 1;
  const slash = tokens[last - 1];
  if (tokens[last]?.kind === 'globstar' && slash?.kind === 'one' && slash.test.kind === 'char' && slash.test.char === '/') {
    tokens.splice(last - 1, 2, { kind: 'trailingSegments' });
  }
  return tokens;
}

function parseClass(pattern: string, open: number): { test: CharTest; end: number } | undefined {
  let i = open + 1;
  let negated = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: [string, string][] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === ']' && !first) return { test: { kind: 'class', negated, ranges }, end: i };
    first = false;
    let low = ch;
    if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      low = pattern[i] as string;
    }
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      ranges.push([low, pattern[i + 2] as string]);
      i += 2;
    } else {
      ranges.push([low, low]);
    }
  }
  return undefined;
}

function testChar(test: CharTest, char: string): boolean {
  switch (test.kind) {
    case 'char':
      return test.char === char;
    case 'notSlash':
      return char !== '/';
    case 'anyChar':
      return true;
    case 'class': {
      if (char === '/') return false; // a class never matches the separator
      const inside = test.ranges.some(([lo, hi]) => char >= lo && char <= hi);
      return test.negated ? !inside : inside;
    }
  }
}

// ---------------------------------------------------------------------------------
// NFA over the tokens: states are integers; edges carry a CharTest or are epsilon.

interface Nfa {
  edges: { from: number; to: number; test?: CharTest }[][]; // indexed by `from`
  start: number;
  accept: number;
}

function buildNfa(tokens: Token[]): Nfa {
  const edges: Nfa['edges'] = [];
  let next = 0;
  const newState = (): number => {
    edges.push([]);
    return next++;
  };
  const add = (from: number, to: number, test?: CharTest): void => {
    (edges[from] as Nfa['edges'][number]).push(test ? { from, to, test } : { from, to });
  };
  const start = newState();
  let current = start;
  for (const token of tokens) {
    const after = newState();
    if (token.kind === 'one') {
      add(current, after, token.test);
    } else if (token.kind === 'trailingSegments') {
      add(current, after);
      const slash = newState();
      add(current, slash, { kind: 'char', char: '/' });
      add(slash, slash, { kind: 'anyChar' });
      add(slash, after);
    } else if (token.kind === 'star') {
      add(current, current, { kind: 'notSlash' });
      add(current, after);
    } else if (token.kind === 'globstar') {
      add(current, current, { kind: 'anyChar' });
      add(current, after);
    } else {
      // `**/`: nothing, or anything ending with '/'
      add(current, after);
      const inside = newState();
      add(current, inside);
      add(inside, inside, { kind: 'anyChar' });
      add(inside, after, { kind: 'char', char: '/' });
    }
    current = after;
  }
  return { edges, start, accept: current };
}

function closure(nfa: Nfa, states: Iterable<number>): Set<number> {
  const seen = new Set<number>(states);
  const stack = [...seen];
  while (stack.length > 0) {
    const s = stack.pop() as number;
    for (const edge of nfa.edges[s] ?? []) {
      if (!edge.test && !seen.has(edge.to)) {
        seen.add(edge.to);
        stack.push(edge.to);
      }
    }
  }
  return seen;
}

function step(nfa: Nfa, states: Set<number>, char: string): Set<number> {
  const out: number[] = [];
  for (const s of states) {
    for (const edge of nfa.edges[s] ?? []) {
      if (edge.test && testChar(edge.test, char)) out.push(edge.to);
    }
  }
  return closure(nfa, out);
}

interface CompiledGlob {
  nfas: Nfa[];
}

function compile(pattern: string): CompiledGlob {
  return { nfas: expandBraces(normalize(pattern)).map((alt) => buildNfa(tokenize(alt))) };
}

function normalize(pattern: string): string {
  return pattern.replace(/^\.\//, '').replace(/\/{2,}/g, '/');
}

function matchesNfa(nfa: Nfa, path: string): boolean {
  let states = closure(nfa, [nfa.start]);
  for (const char of path) {
    states = step(nfa, states, char);
    if (states.size === 0) return false;
  }
  return states.has(nfa.accept);
}

/** Compiles a glob into a predicate over `/`-separated relative paths. */
export function compileGlob(pattern: string): (path: string) => boolean {
  const { nfas } = compile(pattern);
  return (path: string) => {
    const normalized = normalize(path.replace(/\\/g, '/'));
    return nfas.some((nfa) => matchesNfa(nfa, normalized));
  };
}

/** True when the pattern has no wildcard, so it names exactly one path. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?[{]/.test(pattern);
}

// Characters worth trying when two edges both accept "some" character: every character
// either side names, its neighbours (for ranges), and a few ordinary ones.
function candidateChars(a: CharTest, b: CharTest): string[] {
  const named = new Set<string>(['a', 'z', '0', '_', '-', '.', '/', '\uE000']);
  for (const test of [a, b]) {
    if (test.kind === 'char') named.add(test.char);
    if (test.kind === 'class') {
      for (const [lo, hi] of test.ranges) {
        for (const c of [lo, hi]) {
          named.add(c);
          named.add(String.fromCharCode(c.charCodeAt(0) + 1));
          if (c.charCodeAt(0) > 0) named.add(String.fromCharCode(c.charCodeAt(0) - 1));
        }
      }
    }
  }
  return [...named];
}

function intersects(a: Nfa, b: Nfa): boolean {
  // Breadth-first search over pairs of state sets is exponential in theory; over pairs
  // of single states (the product automaton) it is quadratic, which is what we do.
  const key = (x: number, y: number): string => `${x},${y}`;
  const seen = new Set<string>();
  const queue: [number, number][] = [];
  const push = (x: number, y: number): void => {
    for (const cx of closure(a, [x])) {
      for (const cy of closure(b, [y])) {
        const k = key(cx, cy);
        if (!seen.has(k)) {
          seen.add(k);
          queue.push([cx, cy]);
        }
      }
    }
  };
  push(a.start, b.start);
  while (queue.length > 0) {
    const [x, y] = queue.shift() as [number, number];
    if (x === a.accept && y === b.accept) return true;
    for (const ea of a.edges[x] ?? []) {
      if (!ea.test) continue;
      for (const eb of b.edges[y] ?? []) {
        if (!eb.test) continue;
        const testA = ea.test;
        const testB = eb.test;
        if (candidateChars(testA, testB).some((c) => testChar(testA, c) && testChar(testB, c))) push(ea.to, eb.to);
      }
    }
  }
  return false;
}

/** True when some path matches both globs (so two tasks owning them could collide). */
export function globsMayOverlap(a: string, b: string): boolean {
  const left = compile(a).nfas;
  const right = compile(b).nfas;
  return left.some((x) => right.some((y) => intersects(x, y)));
}
