// Without --concurrency, run as many tasks side by side as the graph allows, capped so a
// wide graph does not open dozens of API sessions at once (and trip rate limits).
export const MAX_DEFAULT_CONCURRENCY = 8;

/** `width` is the most tasks that can run side by side (the graph's widest antichain). */
export function defaultConcurrency(width: number): number {
  return Math.min(Math.max(width, 1), MAX_DEFAULT_CONCURRENCY);
}
