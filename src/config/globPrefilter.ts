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
  const segments = glob.replace(/^\.\//, '').split('/').filter((s) => s !== '' && s !== '.');
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
