// Typing one scalar token against a field's scalar kind, with the range and spelling
// rules of protobuf's text parser. Returns the value or an error message (never throws).
import type { PbtxtScalar } from '../pbtxt/ast.js';
import type { ScalarKind } from './types.js';

export type ScalarResult =
  | { ok: true; kind: 'string'; value: string }
  | { ok: true; kind: 'int'; value: number }
  | { ok: true; kind: 'float'; value: number }
  | { ok: true; kind: 'bool'; value: boolean }
  | { ok: false; code: string; message: string; hint?: string };

const RANGES: Record<'int32' | 'int64' | 'uint32' | 'uint64', [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** The integer a literal denotes, or undefined when it is not an integer literal. */
export function integerLiteral(text: string, negative: boolean): bigint | undefined {
  let magnitude: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) magnitude = BigInt(text);
  else if (/^0[0-7]+$/.test(text)) magnitude = BigInt(`0o${text.slice(1)}`);
  else if (/^[0-9]+$/.test(text)) magnitude = BigInt(text);
  else return undefined;
  return negative ? -magnitude : magnitude;
}

function floatLiteral(token: PbtxtScalar): number | undefined {
  if (token.kind === 'identifier') {
    const n = token.name.toLowerCase();
    if (n === 'inf' || n === 'infinity') return token.negative ? -Infinity : Infinity;
    if (n === 'nan') return NaN;
    return undefined;
  }
  if (token.kind !== 'number') return undefined;
  const text = token.text;
  if (/^0[xX]/.test(text) || /^0[0-7]+$/.test(text)) return undefined; // no hex/octal floats
  const body = text.replace(/[fF]$/, '');
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body)) return undefined;
  const value = Number(body);
  return token.negative ? -value : value;
}

const show = (token: PbtxtScalar): string =>
  token.kind === 'string'
    ? JSON.stringify(token.value)
    : token.kind === 'identifier'
      ? `${token.negative ? '-' : ''}${token.name}`
      : `${token.negative ? '-' : ''}${token.text}`;

export function decodeScalar(token: PbtxtScalar, kind: ScalarKind): ScalarResult {
  switch (kind) {
    case 'string':
      if (token.kind !== 'string') {
        return {
          ok: false,
          code: 'pbtxt.wrong-type',
          message: `expected a quoted string, found ${show(token)}`,
          hint: `quote it: "${show(token)}"`,
        };
      }
      if (!token.validUtf8) return { ok: false, code: 'pbtxt.invalid-utf8', message: 'string is not valid UTF-8' };
      return { ok: true, kind: 'string', value: token.value };
    case 'bool': {
      if (token.kind === 'identifier' && !token.negative) {
        if (['true', 'True', 't'].includes(token.name)) return { ok: true, kind: 'bool', value: true };
        if (['false', 'False', 'f'].includes(token.name)) return { ok: true, kind: 'bool', value: false };
      }
      if (token.kind === 'number' && !token.negative) {
        const n = integerLiteral(token.text, false);
        if (n === 0n || n === 1n) return { ok: true, kind: 'bool', value: n === 1n };
      }
      return {
        ok: false,
        code: 'pbtxt.wrong-type',
        message: `expected a bool, found ${show(token)}`,
        hint: 'write true or false (unquoted)',
      };
    }
    case 'float':
    case 'double': {
      const value = floatLiteral(token);
      if (value === undefined) {
        return {
          ok: false,
          code: 'pbtxt.wrong-type',
          message: `expected a number, found ${show(token)}`,
          hint: 'write a decimal number such as 0.5 (unquoted, no hex or octal)',
        };
      }
      return { ok: true, kind: 'float', value };
    }
    default: {
      const n = token.kind === 'number' ? integerLiteral(token.text, token.negative) : undefined;
      if (n === undefined) {
        return {
          ok: false,
          code: 'pbtxt.wrong-type',
          message: `expected an integer (${kind}), found ${show(token)}`,
          hint: token.kind === 'string' ? `drop the quotes: ${token.value}` : 'write a whole number without a decimal point',
        };
      }
      const [lo, hi] = RANGES[kind];
      if (n < lo && lo === 0n) {
        return {
          ok: false,
          code: 'pbtxt.negative-unsigned',
          message: `${show(token)} is negative but the field is ${kind}`,
          hint: 'use a value >= 0',
        };
      }
      if (n < lo || n > hi) {
        return { ok: false, code: 'pbtxt.out-of-range', message: `${show(token)} is out of range for ${kind} [${lo}, ${hi}]` };
      }
      return { ok: true, kind: 'int', value: Number(n) };
    }
  }
}
