// Tokenizer for protobuf text format, following the rules of protobuf's C++ tokenizer as
// Triton uses it: `#` comments only, strings in either quote with C-style escapes,
// numbers that may not run into a following identifier (`10bar`).
import type { Position } from './ast.js';
import { PbtxtParseError } from './errors.js';

export type Token =
  | { kind: 'identifier'; text: string; pos: Position }
  | { kind: 'number'; text: string; pos: Position }
  | { kind: 'string'; bytes: number[]; pos: Position }
  | { kind: 'symbol'; text: ':' | '{' | '}' | '<' | '>' | '[' | ']' | ',' | ';' | '-'; pos: Position }
  | { kind: 'eof'; pos: Position };

const SYMBOLS = new Set([':', '{', '}', '<', '>', '[', ']', ',', ';', '-']);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z_]$/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '?': 0x3f,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
};

const encoder = new TextEncoder();

/** UTF-8 bytes of a code point, surrogates included (they make the string invalid UTF-8). */
function codePointBytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;

  constructor(private readonly src: string) {}

  private pos(): Position {
    return { line: this.line, column: this.col };
  }

  private peekChar(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private advance(): string {
    const c = this.src[this.i++] as string;
    if (c === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return c;
  }

  private fail(message: string, pos: Position = this.pos()): never {
    throw new PbtxtParseError(message, pos.line, pos.column);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.peekChar();
      if (c === undefined) return;
      if (c === '#') {
        while (this.peekChar() !== undefined && this.peekChar() !== '\n') this.advance();
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.advance();
      } else {
        return;
      }
    }
  }

  next(): Token {
    this.skipSpaceAndComments();
    const pos = this.pos();
    const c = this.peekChar();
    if (c === undefined) return { kind: 'eof', pos };
    if (isIdentStart(c)) {
      let text = '';
      while (isIdentPart(this.peekChar())) text += this.advance();
      return { kind: 'identifier', text, pos };
    }
    if (isDigit(c) || (c === '.' && isDigit(this.peekChar(1)))) return this.number(pos);
    if (c === '"' || c === "'") return this.string(pos);
    if (SYMBOLS.has(c)) {
      this.advance();
      return { kind: 'symbol', text: c as ':', pos };
    }
    if (c === '/') this.fail("unexpected '/': only '#' starts a comment in a .pbtxt file (not // or /* */)");
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private number(pos: Position): Token {
    const start = this.i;
    const c = this.peekChar();
    if (c === '0' && (this.peekChar(1) === 'x' || this.peekChar(1) === 'X')) {
      this.advance();
      this.advance();
      if (!isHex(this.peekChar())) this.fail('"0x" must be followed by hex digits', pos);
      while (isHex(this.peekChar())) this.advance();
    } else if (c === '0' && isDigit(this.peekChar(1))) {
      this.advance();
      while (isDigit(this.peekChar())) {
        if (!isOctal(this.peekChar())) this.fail('numbers starting with a leading zero must be octal (digits 0-7)', pos);
        this.advance();
      }
    } else {
      let isFloat = false;
      while (isDigit(this.peekChar())) this.advance();
      if (this.peekChar() === '.') {
        isFloat = true;
        this.advance();
        while (isDigit(this.peekChar())) this.advance();
      }
      const e = this.peekChar();
      if (e === 'e' || e === 'E') {
        const sign = this.peekChar(1);
        const digitAt = sign === '+' || sign === '-' ? 2 : 1;
        if (!isDigit(this.peekChar(digitAt))) this.fail('an exponent needs digits, e.g. 1e-5', this.pos());
        for (let k = 0; k < digitAt; k++) this.advance();
        while (isDigit(this.peekChar())) this.advance();
        isFloat = true;
      }
      const f = this.peekChar();
      if (f === 'f' || f === 'F') {
        this.advance();
        isFloat = true;
      }
      void isFloat;
    }
    const after = this.peekChar();
    if (isIdentPart(after) || after === '.') {
      this.fail(`number ${JSON.stringify(this.src.slice(start, this.i))} runs into ${JSON.stringify(after)}; put a space or separator between them`, pos);
    }
    return { kind: 'number', text: this.src.slice(start, this.i), pos };
  }

  private string(pos: Position): Token {
    const quote = this.advance();
    const bytes: number[] = [];
    for (;;) {
      const c = this.peekChar();
      if (c === undefined || c === '\n') this.fail('unterminated string (strings cannot span lines; close the quote)', pos);
      if (c === quote) {
        this.advance();
        break;
      }
      if (c !== '\\') {
        // Whole code points, so characters outside the BMP encode as one UTF-8 sequence.
        const cp = this.src.codePointAt(this.i) as number;
        const ch = String.fromCodePoint(cp);
        for (let k = 0; k < ch.length; k++) this.advance();
        bytes.push(...(cp >= 0xd800 && cp <= 0xdfff ? codePointBytes(cp) : encoder.encode(ch)));
        continue;
      }
      const escPos = this.pos();
      this.advance();
      const e = this.peekChar();
      if (e === undefined || e === '\n') this.fail('unterminated escape sequence at end of line', escPos);
      if (e in SIMPLE_ESCAPES) {
        this.advance();
        bytes.push(SIMPLE_ESCAPES[e] as number);
      } else if (isOctal(e)) {
        let code = 0;
        for (let k = 0; k < 3 && isOctal(this.peekChar()); k++) code = code * 8 + Number(this.advance());
        bytes.push(code & 0xff); // protobuf's tokenizer truncates \4xx..\7xx to a byte
      } else if (e === 'x' || e === 'X') {
        this.advance();
        if (!isHex(this.peekChar())) this.fail('expected hex digits after \\x', escPos);
        let hex = this.advance();
        if (isHex(this.peekChar())) hex += this.advance();
        bytes.push(parseInt(hex, 16));
      } else if (e === 'u' || e === 'U') {
        this.advance();
        const n = e === 'u' ? 4 : 8;
        let hex = '';
        for (let k = 0; k < n; k++) {
          if (!isHex(this.peekChar())) this.fail(`expected ${n} hex digits after \\${e}`, escPos);
          hex += this.advance();
        }
        let cp = parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail(`\\${e}${hex} is beyond U+10FFFF`, escPos);
        // A \u head surrogate followed by a \u tail surrogate is one code point.
        if (cp >= 0xd800 && cp <= 0xdbff && this.peekChar() === '\\' && this.peekChar(1) === 'u') {
          const tail = this.src.slice(this.i + 2, this.i + 6);
          if (/^[0-9a-fA-F]{4}$/.test(tail)) {
            const low = parseInt(tail, 16);
            if (low >= 0xdc00 && low <= 0xdfff) {
              for (let k = 0; k < 6; k++) this.advance();
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
          }
        }
        bytes.push(...codePointBytes(cp));
      } else {
        this.fail(`invalid escape sequence \\${e} in string literal`, escPos);
      }
    }
    return { kind: 'string', bytes, pos };
  }
}
