// Decodes the untyped syntax tree against the ModelConfig schema, reporting what
// protobuf's C++ text parser would reject (and a few things it silently accepts but
// almost certainly are mistakes), each with line:column and a suggested fix.
import type { PbtxtDocument, PbtxtField, PbtxtMessage, PbtxtValue, Position } from '../pbtxt/ast.js';
import type { DecodedField, DecodedMessage, DecodedValue } from './decoded.js';
import { enumDef, mapEntryDef, messageDef } from './modelConfig.js';
import { decodeScalar, integerLiteral } from './scalars.js';
import { closestMatch } from '../../util/suggest.js';
import type { FieldDef, MessageDef } from './types.js';

export interface DecodeIssue {
  severity: 'error' | 'warning';
  code: string;
  pos: Position;
  message: string;
  hint?: string;
}

function isDefault(value: DecodedValue): boolean {
  switch (value.kind) {
    case 'string':
      return value.value === '';
    case 'int':
    case 'float':
      return value.value === 0;
    case 'bool':
      return !value.value;
    case 'enum':
      return value.number === 0;
    case 'message':
      return false; // a present message always counts as set
  }
}

function typeLabel(def: FieldDef): string {
  const t = def.type;
  if (t.kind === 'scalar') return t.scalar;
  if (t.kind === 'enum') return `enum ${t.enum}`;
  if (t.kind === 'message') return `message ${t.message}`;
  return 'map';
}

class Decoder {
  readonly issues: DecodeIssue[] = [];

  private issue(severity: 'error' | 'warning', code: string, pos: Position, message: string, hint?: string): void {
    this.issues.push(hint === undefined ? { severity, code, pos, message } : { severity, code, pos, message, hint });
  }

  message(def: MessageDef, fields: PbtxtField[], pos: Position): DecodedMessage {
    const out: DecodedMessage = { type: def.name, pos, fields: new Map() };
    const oneofs = new Map<string, string>();
    for (const field of fields) {
      const fdef = def.fields.find((d) => d.name === field.name);
      if (!fdef) {
        this.unknownField(def, field);
        continue;
      }
      this.field(def, fdef, field, out, oneofs);
    }
    return out;
  }

  private unknownField(def: MessageDef, field: PbtxtField): void {
    const names = def.fields.map((d) => d.name);
    const guess = closestMatch(field.name, names);
    const where = def.name.endsWith('<entry>') ? 'a map entry (which has only key and value)' : def.name;
    this.issue(
      'error',
      'pbtxt.unknown-field',
      field.pos,
      `${where} has no field '${field.name}'`,
      guess !== undefined
        ? `did you mean '${guess}'?`
        : names.length > 0
          ? `valid fields of ${def.name}: ${names.join(', ')}`
          : `${def.name} has no fields; write it as an empty message { }`,
    );
  }

  private field(owner: MessageDef, fdef: FieldDef, field: PbtxtField, out: DecodedMessage, oneofs: Map<string, string>): void {
    const repeated = fdef.repeated === true || fdef.type.kind === 'map';
    if (field.list && !repeated) {
      this.issue(
        'error',
        'pbtxt.list-on-singular',
        field.pos,
        `'${fdef.name}' in ${owner.name} is not repeated, so it cannot take a [...] list`,
        `write a single value: ${fdef.name}${fdef.type.kind === 'message' ? ' { ... }' : ': <value>'}`,
      );
      return;
    }
    const isMessageType = fdef.type.kind === 'message' || fdef.type.kind === 'map';
    if (!isMessageType && !field.hasColon && field.values.some((v) => v.kind !== 'message')) {
      this.issue(
        'error',
        'pbtxt.missing-colon',
        field.pos,
        `'${fdef.name}' is a ${typeLabel(fdef)} field and needs a colon after its name`,
        `write ${fdef.name}: <value>`,
      );
    }
    if (fdef.oneof !== undefined) {
      const other = oneofs.get(fdef.oneof);
      if (other !== undefined && other !== fdef.name) {
        this.issue(
          'error',
          'pbtxt.oneof-conflict',
          field.pos,
          `'${fdef.name}' and '${other}' are both set, but they are members of the same oneof '${fdef.oneof}' in ${owner.name}`,
          `keep only one of ${owner.fields
            .filter((d) => d.oneof === fdef.oneof)
            .map((d) => d.name)
            .join(' / ')}`,
        );
        return;
      }
      oneofs.set(fdef.oneof, fdef.name);
    }
    const decoded: DecodedValue[] = [];
    for (const value of field.values) {
      const v = this.value(owner, fdef, value);
      if (v) decoded.push(v);
    }
    const existing = out.fields.get(fdef.name);
    if (!repeated && existing) {
      const first = existing.values[0];
      const firstIsDefault = first !== undefined && isDefault(first);
      this.issue(
        firstIsDefault ? 'warning' : 'error',
        'pbtxt.duplicate-field',
        field.pos,
        `'${fdef.name}' is set more than once in ${owner.name} (first at line ${existing.pos.line})`,
        'keep a single occurrence',
      );
      if (!firstIsDefault) return;
      existing.values = decoded;
      return;
    }
    if (existing) {
      existing.values.push(...decoded);
    } else {
      const df: DecodedField = { def: fdef, pos: field.pos, values: decoded };
      out.fields.set(fdef.name, df);
    }
    if (fdef.type.kind === 'map') this.checkMapKeys(owner, fdef, out.fields.get(fdef.name) as DecodedField, decoded);
  }

  private checkMapKeys(owner: MessageDef, fdef: FieldDef, all: DecodedField, added: DecodedValue[]): void {
    const seen = new Set<string>();
    for (const v of all.values) {
      if (v.kind !== 'message') continue;
      const k = v.message.fields.get('key')?.values[0];
      const key = k && (k.kind === 'string' || k.kind === 'int') ? String(k.value) : '';
      if (seen.has(key) && added.includes(v)) {
        this.issue(
          'warning',
          'pbtxt.duplicate-map-key',
          k?.pos ?? v.pos,
          `key ${JSON.stringify(key)} appears more than once in '${fdef.name}' of ${owner.name}; Triton silently keeps only the last one`,
          'remove the duplicate entry',
        );
      }
      seen.add(key);
    }
  }

  private value(owner: MessageDef, fdef: FieldDef, value: PbtxtValue): DecodedValue | undefined {
    const t = fdef.type;
    if (t.kind === 'message' || t.kind === 'map') {
      if (value.kind !== 'message') {
        this.issue('error', 'pbtxt.wrong-type', value.pos, `'${fdef.name}' in ${owner.name} is a message, not a scalar`, `write ${fdef.name} { ... }`);
        return undefined;
      }
      const def = t.kind === 'map' ? mapEntryDef(owner.name, fdef) : messageDef(t.message);
      return { kind: 'message', message: this.messageValue(def, value), pos: value.pos };
    }
    if (value.kind === 'message') {
      this.issue(
        'error',
        'pbtxt.wrong-type',
        value.pos,
        `'${fdef.name}' in ${owner.name} is a ${typeLabel(fdef)}, not a message`,
        `write ${fdef.name}: <value>`,
      );
      return undefined;
    }
    if (t.kind === 'enum') return this.enumValue(fdef, t.enum, value);
    const result = decodeScalar(value, t.scalar);
    if (!result.ok) {
      this.issue('error', result.code, value.pos, `'${fdef.name}' in ${owner.name}: ${result.message}`, result.hint);
      return undefined;
    }
    return { kind: result.kind, value: result.value, pos: value.pos } as DecodedValue;
  }

  private messageValue(def: MessageDef, value: PbtxtMessage): DecodedMessage {
    return this.message(def, value.fields, value.pos);
  }

  private enumValue(fdef: FieldDef, enumName: string, value: PbtxtValue): DecodedValue | undefined {
    const en = enumDef(enumName);
    const names = Object.keys(en.values);
    if (value.kind === 'string') {
      const known = value.value in en.values;
      this.issue(
        'error',
        'pbtxt.quoted-enum',
        value.pos,
        `'${fdef.name}' is an enum (${enumName}); its value must not be quoted`,
        known ? `write ${fdef.name}: ${value.value}` : `write one of ${names.join(', ')} without quotes`,
      );
      return undefined;
    }
    if (value.kind === 'identifier' && !value.negative) {
      const number = en.values[value.name];
      if (number === undefined) {
        const guess = closestMatch(value.name, names);
        this.issue(
          'error',
          'pbtxt.unknown-enum',
          value.pos,
          `${enumName} has no value '${value.name}'`,
          guess !== undefined ? `did you mean ${guess}?` : `use one of ${names.join(', ')}`,
        );
        return undefined;
      }
      return { kind: 'enum', name: value.name, number, pos: value.pos };
    }
    if (value.kind === 'number') {
      const n = integerLiteral(value.text, value.negative);
      if (n === undefined || n < -(2n ** 31n) || n >= 2n ** 31n) {
        this.issue('error', 'pbtxt.wrong-type', value.pos, `'${fdef.name}' needs an ${enumName} name`, `use one of ${names.join(', ')}`);
        return undefined;
      }
      const number = Number(n);
      const name = Object.entries(en.values).find(([, v]) => v === number)?.[0];
      if (name === undefined) {
        this.issue(
          'error',
          'pbtxt.unknown-enum',
          value.pos,
          `${number} is not a value of ${enumName} (Triton keeps it, but nothing understands it)`,
          `use one of ${names.join(', ')}`,
        );
      }
      return { kind: 'enum', name, number, pos: value.pos };
    }
    this.issue('error', 'pbtxt.wrong-type', value.pos, `'${fdef.name}' needs an ${enumName} name`, `use one of ${names.join(', ')}`);
    return undefined;
  }
}

export interface DecodeResult {
  config: DecodedMessage;
  issues: DecodeIssue[];
}

/** Types a parsed config.pbtxt as a ModelConfig. Never throws on any parsed input. */
export function decodeModelConfig(doc: PbtxtDocument): DecodeResult {
  const decoder = new Decoder();
  const config = decoder.message(messageDef('ModelConfig'), doc.fields, { line: 1, column: 1 });
  return { config, issues: decoder.issues };
}
