// Prints a syntax tree back to text format. Used by the round-trip property tests and
// handy for showing a corrected snippet; output re-parses to the same tree (positions aside).
import type { PbtxtDocument, PbtxtField, PbtxtValue } from './ast.js';

function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\${cp.toString(8).padStart(3, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function printValue(value: PbtxtValue, indent: string): string {
  switch (value.kind) {
    case 'string':
      return quote(value.value);
    case 'identifier':
      return `${value.negative ? '-' : ''}${value.name}`;
    case 'number':
      return `${value.negative ? '-' : ''}${value.text}`;
    case 'message': {
      const close = value.open === '{' ? '}' : '>';
      if (value.fields.length === 0) return `${value.open} ${close}`;
      const inner = value.fields.map((f) => printField(f, `${indent}  `)).join('\n');
      return `${value.open}\n${inner}\n${indent}${close}`;
    }
  }
}

function printField(field: PbtxtField, indent: string): string {
  const colon = field.hasColon ? ':' : '';
  if (field.list) {
    const items = field.values.map((v) => printValue(v, indent)).join(', ');
    return `${indent}${field.name}${colon} [${items}]`;
  }
  const value = field.values[0];
  return `${indent}${field.name}${colon} ${value ? printValue(value, indent) : '[]'}`;
}

export function printPbtxt(doc: PbtxtDocument): string {
  return doc.fields.map((f) => printField(f, '')).join('\n') + '\n';
}
