// A parsed YAML document that remembers where every node came from, so problems found
// later (by zod or by semantic rules) can name file:line:column of the offending key or
// value rather than just a path.
//
// Plain documents are read the fast way (fastYaml.ts): their data and where each
// sequence item starts. The `yaml` Document with every node's range is built on first
// need only: a syntax problem, or a position other than a sequence item's.

import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { readFastYaml, type FastYaml } from './fastYaml.js';
import type { ConfigProblem, SourcePosition } from './types.js';
import { configError, configWarning } from './problems.js';

export type YamlPath = readonly (string | number)[];

/** Alias dereferences allowed per document; a real task graph or agent needs a handful. */
const MAX_ALIAS_COUNT = 1000;

export class YamlSource {
  private parsed: { document: Document; lineCounter: LineCounter } | undefined;
  private readonly fast: FastYaml | undefined;
  private lineStarts: number[] | undefined;

  /**
   * @param lineOffset added to every line, for YAML embedded in a larger file (unused
   *   for front matter, whose text already starts on the file's first line).
   */
  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly lineOffset = 0,
  ) {
    this.fast = readFastYaml(text);
  }

  /** The `yaml` Document, parsed on first use. */
  get document(): Document {
    return this.full().document;
  }

  private full(): { document: Document; lineCounter: LineCounter } {
    if (!this.parsed) {
      const lineCounter = new LineCounter();
      // uniqueKeys (the default) turns duplicate keys into errors with positions.
      const document = parseDocument(this.text, { lineCounter, prettyErrors: true });
      this.parsed = { document, lineCounter };
    }
    return this.parsed;
  }

  /** Whether the document is a mapping at the top. */
  isMapping(): boolean {
    if (this.fast) return isPlainObject(this.fast.data);
    return isMap(this.document.contents);
  }

  /** Syntax errors and warnings, each with the parser's line:column. */
  syntaxProblems(): ConfigProblem[] {
    // The fast way reads only documents with no errors and nothing `yaml` warns about.
    if (this.fast) return [];
    const toProblem = (e: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }, severity: 'error' | 'warning') => {
      // prettyErrors appends " at line L, column C:" and a code frame; the position is
      // printed by us, so keep only the sentence.
      const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
      const start = e.linePos?.[0];
      const source: SourcePosition = start ? { file: this.file, line: start.line + this.lineOffset, column: start.col } : { file: this.file };
      const hint = 'fix the YAML syntax at this position (indentation, unclosed brackets or quotes, a missing `:`)';
      return severity === 'error' ? configError(`YAML: ${message}`, source, hint) : configWarning(`YAML: ${message}`, source);
    };
    return [
      ...this.document.errors.map((e) => toProblem(e as Parameters<typeof toProblem>[0], 'error')),
      ...this.document.warnings.map((e) => toProblem(e as Parameters<typeof toProblem>[0], 'warning')),
    ];
  }

  /**
   * The document as plain values. An alias bomb (anchors referenced over and over, nested,
   * expanding to billions of nodes) is refused by yaml's alias limit; it becomes a problem
   * at the document's start instead of an exception.
   */
  toJS(): { value: unknown; problem?: undefined } | { value?: undefined; problem: ConfigProblem } {
    // The fast way never reads aliases (a document with any `&` goes the full way).
    if (this.fast) return { value: this.fast.data };
    try {
      return { value: this.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (error) {
      if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
      return {
        problem: configError(
          `YAML: too many alias references (more than ${MAX_ALIAS_COUNT} *name uses expand the document): refused as a resource-exhaustion risk`,
          this.positionOf([]),
          'write the values out, or use fewer anchors and aliases',
        ),
      };
    }
  }

  /** Position of a character offset in the text. */
  positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.parsed ? this.parsed.lineCounter.linePos(offset) : this.linePos(offset);
    return { file: this.file, line: line + this.lineOffset, column: col };
  }

  /** 1-based line and column of an offset, as `yaml`'s LineCounter gives them. */
  private linePos(offset: number): { line: number; col: number } {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - (starts[low] as number) + 1 };
  }

  /** A mapping that is a sequence item, read the fast way: its start without the Document. */
  private fastItemStart(path: YamlPath): number | undefined {
    if (!this.fast || typeof path.at(-1) !== 'number') return undefined;
    let value: unknown = this.fast.data;
    for (const segment of path) {
      if (Array.isArray(value) && typeof segment === 'number') value = value[segment];
      else if (isPlainObject(value) && typeof segment === 'string' && Object.hasOwn(value, segment)) value = value[segment];
      else return undefined;
    }
    return isPlainObject(value) ? this.fast.itemStarts.get(value) : undefined;
  }

  /**
   * Position of the node at `path`: the value (default) or, for a map entry, its key.
   * When the path does not exist (a missing key), the nearest existing ancestor's
   * position is returned, which is where the user has to add it.
   */
  positionOf(path: YamlPath, part: 'key' | 'value' = 'value'): SourcePosition {
    const itemStart = part === 'value' ? this.fastItemStart(path) : undefined;
    if (itemStart !== undefined) return this.positionOfOffset(itemStart);
    let node: unknown = this.document.contents;
    let best: number | undefined = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const isLast = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        const valueStart = rangeStart(pair.value);
        if (isLast && part === 'key') {
          best = keyStart ?? best;
          break;
        }
        // A key with no value (`prompt:`) has no useful value position: point at the key.
        best = valueStart ?? keyStart ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        best = rangeStart(item) ?? best;
        node = item;
      } else {
        break;
      }
    }
    return best === undefined ? { file: this.file } : this.positionOfOffset(best);
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
