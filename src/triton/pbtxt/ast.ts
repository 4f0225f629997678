// The untyped syntax tree of a protobuf text-format file. The parser knows nothing about
// Triton's schema; the schema decoder (../schema/decode.ts) gives the tree its types.
// Every node carries the 1-based line and column where it starts, so findings can point
// at the exact token an agent has to change.

export interface Position {
  line: number;
  column: number;
}

/** A quoted string (adjacent literals already joined, escapes decoded). */
export interface PbtxtString {
  kind: 'string';
  value: string;
  /** False when the decoded bytes are not valid UTF-8 (a `string` field rejects that). */
  validUtf8: boolean;
  pos: Position;
}

/** A bare identifier: an enum name, a bool spelling, `inf`/`nan`. */
export interface PbtxtIdentifier {
  kind: 'identifier';
  name: string;
  /** A leading `-` (only meaningful for `-inf`). */
  negative: boolean;
  pos: Position;
}

/** A numeric literal kept as written (decimal, hex, octal or float); typed on decoding. */
export interface PbtxtNumber {
  kind: 'number';
  /** The literal without its sign, e.g. `0x1F`, `1.5f`, `017`. */
  text: string;
  negative: boolean;
  pos: Position;
}

export interface PbtxtMessage {
  kind: 'message';
  fields: PbtxtField[];
  /** The opening delimiter, kept so a printer can reproduce the file's style. */
  open: '{' | '<';
  pos: Position;
}

export type PbtxtScalar = PbtxtString | PbtxtIdentifier | PbtxtNumber;
export type PbtxtValue = PbtxtScalar | PbtxtMessage;

/** One occurrence of a field in the text: `name: value`, `name { }` or `name: [a, b]`. */
export interface PbtxtField {
  name: string;
  pos: Position;
  /** Whether a `:` followed the name (required for scalars). */
  hasColon: boolean;
  /** Written as a `[...]` list; `values` then holds its items (possibly none). */
  list: boolean;
  values: PbtxtValue[];
}

/** The file itself: the body of one message without braces. */
export interface PbtxtDocument {
  fields: PbtxtField[];
}
