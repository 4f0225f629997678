// "Did you mean …?" suggestions for misspelt names: agent names, task ids, YAML keys,
// tool names, CLI flags, Triton fields, enums and model names: one distance and one
// threshold, so every layer agrees on what counts as a plausible typo. Typos are the
// most common config mistake, so every "unknown X" error offers the closest known name.

/** Lowercase and drop `_`/`-` so `max_turns`, `max-turns` and `maxTurns` compare equal. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string
 * alignment), since `T090` for `T009` is one slip of the fingers. O(|a|·|b|); names are short.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] as number) + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] as number;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough: within a
 * third of the longer name's length (at least 1, at most 3 edits) after normalising case
 * and separators. Ties go to the earlier candidate, so results are deterministic.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const target = normalize(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalize(candidate));
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(target.length, candidate.length) / 3)));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `a, b and c`; with backticks so names stand out in messages. */
export function listNames(names: readonly string[], conjunction = 'and'): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/**
 * "did you mean `x`? " prefix, or '' when there is no close candidate. The quote follows
 * the message's own convention: backticks for YAML keys and names, `"` for Python strings.
 */
export function didYouMean(name: string, candidates: Iterable<string>, quote = '`'): string {
  const match = closestMatch(name, candidates);
  return match === undefined ? '' : `did you mean ${quote}${match}${quote}? `;
}
