// The real Mermaid parser (mermaid 11, the last line that runs on Node 20), in Node.
// Flowcharts need a DOM for DOMPurify, so a jsdom window is installed as the global
// `window`/`document` before mermaid is first imported. Parsing fills the diagram's db,
// which the tests read to check that nodes, edges, subgraphs and bars came out as meant.
import { JSDOM } from 'jsdom';
import type { Mermaid } from 'mermaid';

let loaded: Promise<Mermaid> | undefined;

export function loadMermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const globals = globalThis as Record<string, unknown>;
    if (!globals.window) {
      const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
      globals.window = dom.window;
      globals.document = dom.window.document;
    }
    const { default: mermaid } = await import('mermaid');
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    return mermaid;
  })();
  return loaded;
}

export interface FlowVertex {
  id: string;
  text: string;
  classes: string[];
}
export interface FlowEdge {
  start: string;
  end: string;
}
export interface FlowSubgraph {
  id: string;
  title: string;
  nodes: string[];
}
export interface Flowchart {
  type: string;
  vertices: FlowVertex[];
  edges: FlowEdge[];
  subgraphs: FlowSubgraph[];
  classes: Map<string, { styles: string[] }>;
}

export interface GanttTask {
  task: string;
  id: string;
  section: string;
  startTime: Date;
  endTime: Date;
  milestone?: boolean;
  crit?: boolean;
  done?: boolean;
  active?: boolean;
}
export interface Gantt {
  type: string;
  title: string;
  sections: string[];
  tasks: GanttTask[];
}

/**
 * Mermaid keeps entity codes (`#34;`, `#quot;`) encoded in the db and decodes them when it
 * renders; this does the decoding, so labels can be compared with what a reader sees.
 */
export function decodeMermaidText(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/ﬂ°([a-z]+)¶ß/g, (whole, name: string) => named[name] ?? whole);
}

/** Throws mermaid's own parse error when the text is not a valid diagram. */
export async function parseMermaid(text: string): Promise<{ type: string; db: Record<string, (...args: unknown[]) => unknown> }> {
  const mermaid = await loadMermaid();
  const result = await mermaid.parse(text); // throws on a syntax error
  if (!result) throw new Error('mermaid.parse returned false');
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  return { type: result.diagramType, db: diagram.db as unknown as Record<string, (...args: unknown[]) => unknown> };
}

export async function parseFlowchart(text: string): Promise<Flowchart> {
  const { type, db } = await parseMermaid(text);
  if (!type.startsWith('flowchart')) throw new Error(`expected a flowchart, mermaid saw ${type}`);
  const vertices = [...(db.getVertices!() as Map<string, { id: string; text?: string; classes: string[] }>).values()].map((v) => ({
    id: v.id,
    text: decodeMermaidText(v.text ?? v.id),
    classes: [...v.classes],
  }));
  const edges = (db.getEdges!() as { start: string; end: string }[]).map((e) => ({ start: e.start, end: e.end }));
  const subgraphs = (db.getSubGraphs!() as { id: string; title: string; nodes: string[] }[]).map((s) => ({
    id: s.id,
    title: decodeMermaidText(s.title),
    nodes: [...s.nodes],
  }));
  const classes = db.getClasses!() as Map<string, { styles: string[] }>;
  return { type, vertices, edges, subgraphs, classes };
}

export async function parseGantt(text: string): Promise<Gantt> {
  const { type, db } = await parseMermaid(text);
  if (type !== 'gantt') throw new Error(`expected a gantt chart, mermaid saw ${type}`);
  // getTasks() resolves the start and end of every bar; a bad date throws here.
  const tasks = db.getTasks!() as GanttTask[];
  return { type, title: String(db.getDiagramTitle!()), sections: db.getSections!() as string[], tasks };
}

/** The ```mermaid fenced blocks of a Markdown document, in order. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] as string);
}
