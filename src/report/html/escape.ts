// Text into HTML and SVG: every value that came from a run (task titles, model output,
// tool input) passes through here, so nothing in a transcript can become markup.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number | undefined | null): string {
  if (text === undefined || text === null) return '';
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** Long text is cut for the page; the full text stays in the run's files, which the note names. */
export function clipText(text: string, max: number, where: string): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  return { text: `${text.slice(0, max)}\n… ${text.length - max} more characters (full text in ${where})`, clipped: true };
}

/** A task id as an HTML id / URL fragment. */
export function taskAnchor(id: string): string {
  return `task-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
