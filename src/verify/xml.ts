// A small, tolerant XML reader: enough for JUnit files written by pytest, vitest, Jest or
// Maven. No XML library is installed, and JUnit files from killed test runs are often
// cut short, so unclosed elements are closed at the end instead of failing the parse.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside this element, entities decoded. */
  text: string;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric references; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body.startsWith('#x')) return safeCodePoint(parseInt(body.slice(2), 16)) ?? whole;
    if (body.startsWith('#')) return safeCodePoint(parseInt(body.slice(1), 10)) ?? whole;
    return NAMED_ENTITIES[body] ?? whole;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(ATTRIBUTE)) {
    attributes[match[1] as string] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

/**
 * Parses `xml` into a synthetic root element whose children are the document's top-level
 * elements. Comments, processing instructions and DOCTYPE are skipped; a close tag
 * without a matching open tag is ignored.
 */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = (): XmlElement => stack[stack.length - 1] as XmlElement;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) {
      top().text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top().text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<!--', lt)) {
      i = skipPast(xml, lt, '-->');
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt);
      top().text += xml.slice(lt + 9, end === -1 ? xml.length : end);
      i = end === -1 ? xml.length : end + 3;
    } else if (xml.startsWith('<?', lt)) {
      i = skipPast(xml, lt, '?>');
    } else if (xml.startsWith('<!', lt)) {
      i = skipPast(xml, lt, '>');
    } else {
      const gt = findTagEnd(xml, lt);
      if (gt === -1) break; // a tag cut off by a killed writer: stop here
      const inner = xml.slice(lt + 1, gt);
      i = gt + 1;
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim();
        const at = findOpen(stack, name);
        if (at > 0) stack.length = at;
        continue;
      }
      const selfClosing = inner.endsWith('/');
      const body = selfClosing ? inner.slice(0, -1) : inner;
      const nameMatch = /^[^\s/>]+/.exec(body);
      if (!nameMatch) continue;
      const element: XmlElement = {
        name: nameMatch[0],
        attributes: parseAttributes(body.slice(nameMatch[0].length)),
        children: [],
        text: '',
      };
      top().children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  return root;
}

function skipPast(xml: string, from: number, terminator: string): number {
  const end = xml.indexOf(terminator, from);
  return end === -1 ? xml.length : end + terminator.length;
}

/** The `>` ending a tag, skipping any `>` inside quoted attribute values. */
function findTagEnd(xml: string, lt: number): number {
  let quote: string | undefined;
  for (let j = lt + 1; j < xml.length; j++) {
    const ch = xml[j];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return j;
    }
  }
  return -1;
}

/** Index in the stack of the innermost open element called `name` (-1 when none). */
function findOpen(stack: XmlElement[], name: string): number {
  for (let k = stack.length - 1; k > 0; k--) if ((stack[k] as XmlElement).name === name) return k;
  return -1;
}

/** Every descendant (depth first, document order) whose name is `name`. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.name === name) found.push(child);
      visit(child);
    }
  };
  visit(element);
  return found;
}
