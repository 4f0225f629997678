// The typed tree the schema decoder produces, plus small accessors the rules use. Every
// value keeps the position of its token.
import type { Position } from '../pbtxt/ast.js';
import type { FieldDef } from './types.js';

export type DecodedValue =
  | { kind: 'string'; value: string; pos: Position }
  | { kind: 'int'; value: number; pos: Position }
  | { kind: 'float'; value: number; pos: Position }
  | { kind: 'bool'; value: boolean; pos: Position }
  /** `name` is undefined for a number that names no enum value. */
  | { kind: 'enum'; name: string | undefined; number: number; pos: Position }
  | { kind: 'message'; message: DecodedMessage; pos: Position };

export interface DecodedField {
  def: FieldDef;
  /** Position of the field name's first occurrence. */
  pos: Position;
  values: DecodedValue[];
}

export interface DecodedMessage {
  type: string;
  pos: Position;
  fields: Map<string, DecodedField>;
}

export function field(msg: DecodedMessage | undefined, name: string): DecodedField | undefined {
  return msg?.fields.get(name);
}

export function has(msg: DecodedMessage | undefined, name: string): boolean {
  return msg?.fields.has(name) ?? false;
}

export function str(msg: DecodedMessage | undefined, name: string): string | undefined {
  const v = msg?.fields.get(name)?.values[0];
  return v?.kind === 'string' ? v.value : undefined;
}

export function int(msg: DecodedMessage | undefined, name: string): number | undefined {
  const v = msg?.fields.get(name)?.values[0];
  return v?.kind === 'int' ? v.value : undefined;
}

export function bool(msg: DecodedMessage | undefined, name: string): boolean | undefined {
  const v = msg?.fields.get(name)?.values[0];
  return v?.kind === 'bool' ? v.value : undefined;
}

export function enumName(msg: DecodedMessage | undefined, name: string): string | undefined {
  const v = msg?.fields.get(name)?.values[0];
  return v?.kind === 'enum' ? v.name : undefined;
}

export function ints(msg: DecodedMessage | undefined, name: string): { value: number; pos: Position }[] {
  return (msg?.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'int' ? [{ value: v.value, pos: v.pos }] : []));
}

export function strings(msg: DecodedMessage | undefined, name: string): { value: string; pos: Position }[] {
  return (msg?.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'string' ? [{ value: v.value, pos: v.pos }] : []));
}

export function messages(msg: DecodedMessage | undefined, name: string): DecodedMessage[] {
  return (msg?.fields.get(name)?.values ?? []).flatMap((v) => (v.kind === 'message' ? [v.message] : []));
}

export function message(msg: DecodedMessage | undefined, name: string): DecodedMessage | undefined {
  return messages(msg, name)[0];
}

/** Position of a field's value (or of its name when it has no scalar value), else the message. */
export function posOf(msg: DecodedMessage, name: string): Position {
  const f = msg.fields.get(name);
  return f?.values[0]?.pos ?? f?.pos ?? msg.pos;
}

/** Map entries as key → value message/string, last duplicate winning as protobuf does. */
export function mapEntries(
  msg: DecodedMessage | undefined,
  name: string,
): { key: string; keyPos: Position; value: DecodedValue | undefined; entry: DecodedMessage }[] {
  const out = new Map<string, { key: string; keyPos: Position; value: DecodedValue | undefined; entry: DecodedMessage }>();
  for (const entry of messages(msg, name)) {
    const k = entry.fields.get('key')?.values[0];
    const key = k === undefined ? '' : k.kind === 'string' ? k.value : k.kind === 'int' ? String(k.value) : '';
    out.set(key, { key, keyPos: k?.pos ?? entry.pos, value: entry.fields.get('value')?.values[0], entry });
  }
  return [...out.values()];
}
