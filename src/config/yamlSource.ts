// A parsed YAML document that remembers where every node came from, so problems found
// later (by zod or by semantic rules) can name file:line:column of the offending key or
// value rather than just a path.

import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigProblem, SourcePosition } from './types.js';
import { configError, configWarning } from './problems.js';

export type YamlPath = readonly (string | number)[];

/** Alias dereferences allowed per document; a real task graph or agent needs a handful. */
const MAX_ALIAS_COUNT = 1000;

export class YamlSource {
  readonly document: Document;
  private readonly lineCounter: LineCounter;

  /**
   * @param lineOffset added to every line, for YAML embedded in a larger file (unused
   *   for front matter, whose text already starts on the file's first line).
   */
  constructor(
    readonly file: string,
    text: string,
    private readonly lineOffset = 0,
  ) {
    this.lineCounter = new LineCounter();
    // uniqueKeys (the default) turns duplicate keys into errors with positions.
    this.document = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: true });
  }

  /** Syntax errors and warnings, each with the parser's line:column. */
  syntaxProblems(): ConfigProblem[] {
    const toProblem = (e: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }, severity: 'error' | 'warning') => {
      // prettyErrors appends " at line L, column C:" and a code frame; the position is
      // printed by us, so keep only the sentence.
      const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
      const start = e.linePos?.[0];
      const source: SourcePosition = start
        ? { file: this.file, line: start.line + this.lineOffset, column: start.col }
        : { file: this.file };
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
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line: line + this.lineOffset, column: col };
  }

  /**
   * Position of the node at `path`: the value (default) or, for a map entry, its key.
   * When the path does not exist (a missing key), the nearest existing ancestor's
   * position is returned, which is where the user has to add it.
   */
  positionOf(path: YamlPath, part: 'key' | 'value' = 'value'): SourcePosition {
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
