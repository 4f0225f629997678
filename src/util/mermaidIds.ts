// Mermaid node ids for arbitrary names (task and phase ids), shared by the plan diagram and
// the run report's diagrams so both escape and de-duplicate the same way.

/**
 * One Mermaid id per name: letters, digits and `_` only, behind `prefix` so keywords
 * (`end`, `graph`) cannot occur, and distinct even where escaping makes two equal (`a.b`,
 * `a-b` and `a_b` all escape to `a_b`: the later ones get `_2`, `_3`…). Repeats of a name
 * keep its first id.
 */
export function mermaidNodeIds(names: Iterable<string>, prefix: string): Map<string, string> {
  const used = new Set<string>();
  const ids = new Map<string, string>();
  for (const name of names) {
    if (ids.has(name)) continue;
    const base = `${prefix}${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`;
    used.add(candidate);
    ids.set(name, candidate);
  }
  return ids;
}
