// Cheap necessary conditions for two output globs to overlap, so the overlap check only
// runs the exact (automaton-based) test on pairs that could plausibly collide. A graph
// whose tasks write under their own directories then costs next to nothing.

const WILDCARD = /[*?[{\\]/;

export interface GlobShape {
  /** Leading segments without wildcards: `triton_models/vae` for `triton_models/vae/*.py`. */
  prefix: string[];
  /** The last segment when it has no wildcard (and the glob does not end in `**`). */
  lastSegment?: string;
  /** First segment when it is literal; undefined when the glob may start anywhere. */
  firstSegment?: string;
}

export function globShape(glob: string): GlobShape {
  const segments = glob
    .replace(/^\.\//, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  const firstWild = segments.findIndex((s) => WILDCARD.test(s));
  const prefix = firstWild === -1 ? segments : segments.slice(0, firstWild);
  const last = segments[segments.length - 1];
  const shape: GlobShape = { prefix };
  if (last !== undefined && !WILDCARD.test(last)) shape.lastSegment = last;
  if (prefix[0] !== undefined) shape.firstSegment = prefix[0];
  return shape;
}

/** False only when no path can match both globs; true means "run the exact test". */
export function shapesMayOverlap(a: GlobShape, b: GlobShape): boolean {
  const shared = Math.min(a.prefix.length, b.prefix.length);
  for (let i = 0; i < shared; i++) if (a.prefix[i] !== b.prefix[i]) return false;
  if (a.lastSegment !== undefined && b.lastSegment !== undefined && a.lastSegment !== b.lastSegment) return false;
  return true;
}

/** What the pair search needs to know about one output glob. */
export interface OutputGlob {
  glob: string;
  shape: GlobShape;
}

/**
 * Calls `visit` once for every unordered pair of globs that could meet (literal prefixes
 * compatible, last segments not different literals), and `visitSamePath` once per group
 * of two or more fully literal globs naming one path. Near-linear for outputs under their
 * own directories: globs go into a trie of their literal prefix segments, laid out
 * depth-first so that a node's subtree is one contiguous range; a pattern meets only what
 * lies later in its own range (later patterns of its node, its node's literal paths,
 * everything below), found through per-last-segment position lists.
 */
export function forEachCandidatePair<T extends OutputGlob>(
  outputs: readonly T[],
  visit: (a: T, b: T) => void,
  visitSamePath: (group: readonly T[]) => void,
): void {
  interface Node {
    children: Map<string, Node>;
    patterns: T[];
    /** Fully literal globs by normalised path. */
    paths: Map<string, T[]>;
  }
  const newNode = (): Node => ({ children: new Map(), patterns: [], paths: new Map() });
  const root = newNode();
  for (const output of outputs) {
    let node = root;
    for (const segment of output.shape.prefix) {
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = newNode()));
      node = child;
    }
    if (isFullyLiteral(output)) {
      const key = output.shape.prefix.join('/') + (output.glob.endsWith('/') ? '/' : '');
      const group = node.paths.get(key);
      if (group) group.push(output);
      else node.paths.set(key, [output]);
    } else {
      node.patterns.push(output);
    }
  }

  // Depth-first layout: each node's patterns, then its literal paths, then its children.
  const flat: T[] = [];
  const patternRanges: { at: number; end: number }[] = [];
  const layout = (node: Node): void => {
    const first = flat.length;
    flat.push(...node.patterns);
    for (const group of node.paths.values()) {
      flat.push(...group);
      if (group.length > 1) visitSamePath(group);
    }
    for (const child of node.children.values()) layout(child);
    for (let k = 0; k < node.patterns.length; k++) patternRanges.push({ at: first + k, end: flat.length });
  };
  layout(root);

  const byLast = new Map<string | undefined, number[]>();
  flat.forEach((output, position) => {
    const list = byLast.get(output.shape.lastSegment);
    if (list) list.push(position);
    else byLast.set(output.shape.lastSegment, [position]);
  });
  const visitRange = (x: T, list: readonly number[] | undefined, from: number, end: number): void => {
    if (!list) return;
    for (let i = lowerBound(list, from); i < list.length && (list[i] as number) < end; i++) visit(x, flat[list[i] as number] as T);
  };
  for (const { at, end } of patternRanges) {
    const x = flat[at] as T;
    const last = x.shape.lastSegment;
    if (last === undefined) {
      for (let position = at + 1; position < end; position++) visit(x, flat[position] as T);
    } else {
      visitRange(x, byLast.get(last), at + 1, end);
      visitRange(x, byLast.get(undefined), at + 1, end);
    }
  }
}

/** No wildcard anywhere (so the glob names exactly the path its segments spell). */
function isFullyLiteral(output: OutputGlob): boolean {
  return !WILDCARD.test(output.glob) && output.shape.lastSegment !== undefined;
}

/** First index in the ascending `list` whose value is at least `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
