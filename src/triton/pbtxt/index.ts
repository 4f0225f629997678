export type * from './ast.js';
export { PbtxtParseError } from './errors.js';
export { parsePbtxt } from './parser.js';
export { printPbtxt } from './printer.js';
