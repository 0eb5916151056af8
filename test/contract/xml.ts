/**
 * A strict little XML reader for the contract test: elements in document order with their text,
 * so repeated elements, empty elements and stray text survive for the model to judge (a general
 * parser that folds elements into objects would hide exactly what the contract looks for).
 */

/** One element: its local name (prefix dropped), attributes, child elements and its own text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's character data, entities decoded (whitespace between child elements included). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const known = ENTITIES[ref];
    if (known === undefined) throw new Error(`unknown XML entity ${whole}`);
    return known;
  });
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** Parses a document into its root element; throws on anything that is not well-formed. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (why: string): never => {
    throw new Error(`malformed XML at ${pos}: ${why}`);
  };
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const text = source.slice(pos, lt === -1 ? source.length : lt);
    if (text.length > 0) {
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decode(text);
      else if (text.trim() !== '') fail('text outside the root element');
    }
    if (lt === -1) break;
    pos = lt;
    if (source.startsWith('<?', pos)) {
      const end = source.indexOf('?>', pos);
      if (end === -1) fail('unterminated declaration');
      pos = end + 2;
    } else if (source.startsWith('<!--', pos)) {
      const end = source.indexOf('-->', pos);
      if (end === -1) fail('unterminated comment');
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', pos)) {
      const end = source.indexOf(']]>', pos);
      if (end === -1) fail('unterminated CDATA');
      const parent = stack[stack.length - 1] ?? fail('CDATA outside the root element');
      parent.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith('</', pos)) {
      const end = source.indexOf('>', pos);
      if (end === -1) fail('unterminated end tag');
      const name = localName(source.slice(pos + 2, end).trim());
      const open = stack.pop() ?? fail(`end tag </${name}> without a start tag`);
      if (open.name !== name) fail(`</${name}> closes <${open.name}>`);
      pos = end + 1;
    } else {
      const end = source.indexOf('>', pos);
      if (end === -1) fail('unterminated start tag');
      let inside = source.slice(pos + 1, end);
      const selfClosing = inside.endsWith('/');
      if (selfClosing) inside = inside.slice(0, -1);
      const nameMatch = /^\s*([^\s/>]+)/.exec(inside) ?? fail('start tag without a name');
      const attributes: Record<string, string> = {};
      for (const a of inside.slice(nameMatch[0].length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        attributes[a[1] as string] = decode(a[3] ?? a[4] ?? '');
      }
      const element: XmlElement = { name: localName(nameMatch[1] as string), attributes, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      pos = end + 1;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]?.name}> is never closed`);
  return root ?? fail('no root element');
}
