/**
 * A tiny XML writer for the Query protocols' answers. Values map to elements: objects to nested
 * elements in key order, XmlList to repeated `<item>`/`<member>` children, Dates to ISO 8601.
 */

/** A list rendered as repeated child elements named `itemName`. */
export class XmlList {
  constructor(
    readonly items: readonly XmlValue[],
    readonly itemName: string,
  ) {}
}

/** Markup already rendered (and escaped) by a dedicated writer, written as it is. */
export class XmlMarkup {
  constructor(readonly markup: string) {}
}

/** Anything the writer can render. */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | null
  | XmlList
  | XmlMarkup
  | { [key: string]: XmlValue };

const NEEDS_ESCAPE = /[&<>"']/;

/** Escapes text and attribute content. */
export function escapeXml(text: string): string {
  // Most values (ids, names, numbers) have nothing to escape: skip the five passes.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Renders `<name>value</name>`; undefined and null render nothing. */
export function element(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  return `<${name}>${content(value)}</${name}>`;
}

function content(value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof XmlMarkup) return value.markup;
  // Plain loops and concatenation: a DescribeInstances page of 1,000 instances renders tens of thousands of elements.
  if (value instanceof XmlList) {
    let out = '';
    for (const item of value.items) out += element(value.itemName, item);
    return out;
  }
  if (typeof value === 'object') {
    let out = '';
    for (const key in value) out += element(key, value[key]);
    return out;
  }
  return escapeXml(String(value));
}

/** A whole document: the root element carries the service namespace. */
export function xmlDocument(root: string, namespace: string | undefined, body: { [key: string]: XmlValue }): string {
  const ns = namespace ? ` xmlns="${escapeXml(namespace)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${content(body)}</${root}>`;
}
