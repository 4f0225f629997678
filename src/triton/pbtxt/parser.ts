// Recursive-descent parser for the body of one text-format message. It keeps everything
// the schema decoder needs to reproduce Triton's errors (colon present or not, list form
// or repeated entries) and throws only PbtxtParseError.
import type { PbtxtDocument, PbtxtField, PbtxtMessage, PbtxtScalar, PbtxtValue, Position } from './ast.js';
import { PbtxtParseError } from './errors.js';
import { Lexer, type Token } from './lexer.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** Nesting deeper than this is certainly not a model config, and would blow the stack. */
const MAX_DEPTH = 100;

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of file';
    case 'identifier':
      return `'${token.text}'`;
    case 'number':
      return `number ${token.text}`;
    case 'string':
      return 'a string';
    case 'symbol':
      return `'${token.text}'`;
  }
}

class Parser {
  private readonly lexer: Lexer;
  private token: Token;
  private depth = 0;

  constructor(src: string) {
    this.lexer = new Lexer(src);
    this.token = this.lexer.next();
  }

  private fail(message: string, pos: Position = this.token.pos): never {
    throw new PbtxtParseError(message, pos.line, pos.column);
  }

  private bump(): Token {
    const t = this.token;
    this.token = this.lexer.next();
    return t;
  }

  private isSymbol(text: string): boolean {
    return this.token.kind === 'symbol' && this.token.text === text;
  }

  document(): PbtxtDocument {
    const fields = this.fieldsUntil(undefined);
    return { fields };
  }

  /** Fields up to `close` (or end of file for the top level), each with one optional separator. */
  private fieldsUntil(close: '}' | '>' | undefined): PbtxtField[] {
    const fields: PbtxtField[] = [];
    for (;;) {
      if (close === undefined && this.token.kind === 'eof') return fields;
      if (close !== undefined && this.isSymbol(close)) return fields;
      if (this.token.kind === 'eof') this.fail(`expected '${close}' before end of file`);
      fields.push(this.field());
      if (this.isSymbol(',') || this.isSymbol(';')) {
        this.bump();
        if (this.isSymbol(',') || this.isSymbol(';')) this.fail('only one "," or ";" may follow a field');
      }
    }
  }

  private field(): PbtxtField {
    const nameToken = this.token;
    if (nameToken.kind !== 'identifier') {
      if (nameToken.kind === 'symbol' && nameToken.text === '[') {
        this.fail('extension and Any field names ([...]) are not used in Triton configs');
      }
      if (nameToken.kind === 'symbol' && (nameToken.text === '}' || nameToken.text === '>')) {
        this.fail(`unmatched '${nameToken.text}'`);
      }
      this.fail(`expected a field name, found ${describe(nameToken)}`);
    }
    this.bump();
    const field: PbtxtField = { name: nameToken.text, pos: nameToken.pos, hasColon: false, list: false, values: [] };
    if (this.isSymbol(':')) {
      this.bump();
      field.hasColon = true;
    }
    if (this.isSymbol('[')) {
      this.bump();
      field.list = true;
      if (!this.isSymbol(']')) {
        for (;;) {
          field.values.push(this.value(field));
          if (this.isSymbol(',')) {
            this.bump();
            if (this.isSymbol(']')) this.fail('a list may not end with a trailing ","');
            continue;
          }
          if (this.isSymbol(']')) break;
          this.fail(`expected ',' or ']' in the list for '${field.name}', found ${describe(this.token)}`);
        }
      }
      this.bump();
      return field;
    }
    field.values.push(this.value(field));
    return field;
  }

  private value(field: PbtxtField): PbtxtValue {
    if (this.isSymbol('{') || this.isSymbol('<')) return this.message();
    return this.scalar(field);
  }

  private message(): PbtxtMessage {
    const open = this.bump() as Token & { kind: 'symbol' };
    const close = open.text === '{' ? '}' : '>';
    if (++this.depth > MAX_DEPTH) this.fail(`messages nested more than ${MAX_DEPTH} deep`, open.pos);
    const fields = this.fieldsUntil(close);
    this.bump();
    this.depth--;
    return { kind: 'message', fields, open: open.text as '{' | '<', pos: open.pos };
  }

  private scalar(field: PbtxtField): PbtxtScalar {
    const t = this.token;
    if (t.kind === 'string') {
      const bytes: number[] = [];
      while (this.token.kind === 'string') bytes.push(...(this.bump() as Token & { kind: 'string' }).bytes);
      const array = Uint8Array.from(bytes);
      let value: string;
      let validUtf8 = true;
      try {
        value = utf8.decode(array);
      } catch {
        validUtf8 = false;
        value = lossyUtf8.decode(array);
      }
      return { kind: 'string', value, validUtf8, pos: t.pos };
    }
    if (t.kind === 'symbol' && t.text === '-') {
      this.bump();
      const n = this.token;
      if (n.kind === 'number') {
        this.bump();
        return { kind: 'number', text: n.text, negative: true, pos: t.pos };
      }
      if (n.kind === 'identifier' && /^(inf|infinity|nan)$/i.test(n.text)) {
        this.bump();
        return { kind: 'identifier', name: n.text, negative: true, pos: t.pos };
      }
      this.fail(`expected a number after '-', found ${describe(n)}`, n.pos);
    }
    if (t.kind === 'number') {
      this.bump();
      return { kind: 'number', text: t.text, negative: false, pos: t.pos };
    }
    if (t.kind === 'identifier') {
      this.bump();
      return { kind: 'identifier', name: t.text, negative: false, pos: t.pos };
    }
    this.fail(`expected a value for '${field.name}', found ${describe(t)}`);
  }
}

/** Parses a config.pbtxt body. Throws PbtxtParseError (with line and column) and nothing else. */
export function parsePbtxt(src: string): PbtxtDocument {
  try {
    return new Parser(src).document();
  } catch (err) {
    if (err instanceof PbtxtParseError) throw err;
    // Anything else is a bug here; still honour the contract of one error type, at 1:1.
    const detail = err instanceof Error ? err.message : String(err);
    throw new PbtxtParseError(`internal parser error: ${detail}`, 1, 1);
  }
}
