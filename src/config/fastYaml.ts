// The fast way to read a YAML file's data: js-yaml with the YAML 1.2 core schema exactly
// as the `yaml` library resolves it, plus where each mapping that is a sequence item
// starts (what a task's source position needs). The `yaml` Document, which keeps every
// node with its range, costs about 8× the time and memory on a 10,000-task graph, so it
// is built only when a problem has to be placed (see YamlSource).
//
// Only plain documents take this way. Anything whose reading could differ from `yaml`'s,
// or that `yaml` would warn about, returns undefined and goes the slow way: tags (`!`),
// anchors and aliases (`&`, so the alias limits of the slow way apply), directives (`%`),
// flow collections closed at the start of a line (`yaml` warns on their indentation),
// and whatever js-yaml rejects (its messages carry no `yaml` positions).

import jsYaml from 'js-yaml';

export interface FastYaml {
  /** The data, as `yaml`'s Document.toJS() would give it. */
  readonly data: unknown;
  /** Start offset of each mapping read as a sequence item (identity of the parsed object). */
  readonly itemStarts: Map<object, number>;
}

const UNSAFE = /[!&]|^%|^[ \t]*[\]}]/m;

/** Scalar types of YAML 1.2's core schema, with the patterns and values of the `yaml` library. */
const coreScalars = [
  new jsYaml.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (s: string | null) => s === null || /^(?:~|[Nn]ull|NULL)?$/.test(s),
    construct: () => null,
  }),
  new jsYaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
    construct: (s: string) => s[0] === 't' || s[0] === 'T',
  }),
  new jsYaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/.test(s),
    construct: (s: string) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
  }),
  new jsYaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (s: string | null) =>
      s !== null &&
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/.test(s),
    construct: (s: string) => (/nan$/i.test(s) ? Number.NaN : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s)),
  }),
];
const CORE_1_2 = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: coreScalars });

/** The document's data and item starts, or undefined when it must be read the slow way. */
export function readFastYaml(text: string): FastYaml | undefined {
  if (UNSAFE.test(text)) return undefined;
  // A Map, not a WeakMap: it lives as long as the data, and ephemeron tables cost the GC.
  const itemStarts = new Map<object, number>();
  const opened: number[] = [];
  try {
    const data = jsYaml.load(text, {
      schema: CORE_1_2,
      // Every node opens and closes; a closing mapping is remembered at the offset where
      // its node opened, which for a sequence item is where `yaml` starts its range.
      listener(event, state) {
        if (event === 'open') {
          opened.push(state.position);
          return;
        }
        const start = opened.pop();
        const result = state.result as object;
        if (start !== undefined && state.kind === 'mapping' && !itemStarts.has(result)) itemStarts.set(result, start);
      },
    });
    return { data: data ?? null, itemStarts };
  } catch {
    return undefined;
  }
}
