/**
 * Just enough of a DOM to run the demo page's script in node: elements with children (insert,
 * move, remove), text, classes, attributes, styles, focus, event listeners and tag-name
 * querySelectorAll. It has no innerHTML, so a page that tried to parse data as HTML would fail here.
 */

/** A DOM node: an element or a text node. */
export class FakeNode {
  children: FakeNode[] = [];
  attributes: Record<string, string> = {};
  style: Record<string, string> = {};
  className = '';
  value = '';
  href = '';
  target = '';
  rel = '';
  type = '';
  id = '';
  title = '';
  placeholder = '';
  htmlFor = '';
  maxLength = -1;
  hidden = false;
  disabled = false;
  parentNode: FakeNode | null = null;
  /** The document it belongs to, for focus. */
  ownerDocument: FakeDocument | null = null;
  private listeners: Record<string, Array<(ev: unknown) => void>> = {};
  private text = '';

  constructor(
    readonly tagName: string,
    text = '',
  ) {
    this.text = text;
  }

  get textContent(): string {
    return this.tagName === '#text' ? this.text : this.children.map((c) => c.textContent).join('');
  }

  set textContent(value: string) {
    for (const c of this.children) c.parentNode = null;
    this.children = [];
    if (value !== '') this.appendChild(new FakeNode('#text', value));
  }

  get firstChild(): FakeNode | null {
    return this.children[0] ?? null;
  }

  get options(): FakeNode[] {
    return this.children.filter((c) => c.tagName === 'option');
  }

  get scrollHeight(): number {
    return 0;
  }

  scrollTop = 0;
  clientHeight = 0;

  get lastChild(): FakeNode | null {
    return this.children[this.children.length - 1] ?? null;
  }

  appendChild(child: FakeNode): FakeNode {
    return this.insertBefore(child, null);
  }

  /** Inserts (or moves) `child` before `ref`, or at the end when `ref` is null. */
  insertBefore(child: FakeNode, ref: FakeNode | null): FakeNode {
    child.parentNode?.removeChild(child);
    const at = ref === null ? -1 : this.children.indexOf(ref);
    if (ref !== null && at < 0) throw new Error('insertBefore: the reference node is not a child');
    if (at < 0) this.children.push(child);
    else this.children.splice(at, 0, child);
    child.parentNode = this;
    return child;
  }

  removeChild(child: FakeNode): FakeNode {
    const at = this.children.indexOf(child);
    if (at < 0) throw new Error('removeChild: not a child');
    this.children.splice(at, 1);
    child.parentNode = null;
    return child;
  }

  /** Whether `node` is this node or inside it. */
  contains(node: FakeNode | null): boolean {
    for (let n = node; n; n = n.parentNode) if (n === this) return true;
    return false;
  }

  focus(): void {
    if (this.ownerDocument) this.ownerDocument.activeElement = this;
  }

  setAttribute(name: string, value: string): void {
    this.attributes[name] = value;
  }

  getAttribute(name: string): string | null {
    return this.attributes[name] ?? null;
  }

  removeAttribute(name: string): void {
    delete this.attributes[name];
  }

  addEventListener(type: string, listener: (ev: unknown) => void): void {
    this.listeners[type] ??= [];
    this.listeners[type].push(listener);
  }

  /** Fires an event's listeners. */
  fire(type: string, ev: unknown = { preventDefault: () => undefined, target: this }): void {
    for (const l of this.listeners[type] ?? []) l(ev);
  }

  /** Every descendant (depth first), this node included. */
  all(): FakeNode[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }

  /** Descendants (not this node) matching a comma-separated list of tag names, each optionally with one `[attribute]` that must be non-empty. */
  querySelectorAll(selectors: string): FakeNode[] {
    const wanted = selectors.split(',').map((s) => /^\s*([a-z0-9]+)(?:\[([a-z-]+)\])?\s*$/i.exec(s));
    if (wanted.some((w) => w === null)) throw new Error(`the fake DOM cannot match "${selectors}"`);
    const has = (n: FakeNode, attr: string): boolean => {
      const prop = (n as unknown as Record<string, unknown>)[attr];
      return (typeof prop === 'string' && prop !== '') || n.getAttribute(attr) !== null;
    };
    return this.all().filter(
      (n) =>
        n !== this && wanted.some((w) => n.tagName === w![1]!.toLowerCase() && (w![2] === undefined || has(n, w![2]))),
    );
  }

  /** Descendants with a tag (and a class when given). */
  find(tag: string, cls?: string): FakeNode[] {
    return this.all().filter((n) => n.tagName === tag && (cls === undefined || n.className.split(' ').includes(cls)));
  }

  /** The descendant button whose text is `label`, or an error naming the buttons there are. */
  button(label: string): FakeNode {
    const buttons = this.find('button');
    const found = buttons.find((b) => b.textContent === label);
    if (!found) throw new Error(`no button "${label}" among ${JSON.stringify(buttons.map((b) => b.textContent))}`);
    return found;
  }

  /** Shown as a person would see it: not hidden, not display:none, and neither is any ancestor. */
  get shown(): boolean {
    for (let n: FakeNode | null = this; n; n = n.parentNode) if (n.hidden || n.style.display === 'none') return false;
    return true;
  }
}

/** A document with the page's fixed elements. */
export class FakeDocument {
  readonly byId: Record<string, FakeNode> = {};
  activeElement: FakeNode | null = null;
  title = '';

  constructor(ids: string[]) {
    const tags: Record<string, string> = {
      users: 'select',
      'composer-form': 'form',
      input: 'input',
      team: 'h1',
      head: 'header',
    };
    for (const id of ids) {
      const node = this.createElement(tags[id] ?? 'div');
      node.id = id;
      this.byId[id] = node;
    }
  }

  getElementById(id: string): FakeNode {
    const node = this.byId[id];
    if (!node) throw new Error(`the page asked for #${id}, which the fake document does not have`);
    return node;
  }

  createElement(tag: string): FakeNode {
    const node = new FakeNode(tag);
    node.ownerDocument = this;
    return node;
  }

  createTextNode(text: string): FakeNode {
    return new FakeNode('#text', text);
  }
}
