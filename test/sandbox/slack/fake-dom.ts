/**
 * Just enough of a DOM to run the demo page's script in node: elements with children, text,
 * classes, attributes, styles and click listeners. It has no innerHTML, so a page that tried to
 * parse data as HTML would fail here.
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
    this.children = value === '' ? [] : [new FakeNode('#text', value)];
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

  appendChild(child: FakeNode): FakeNode {
    this.children.push(child);
    return child;
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
    (this.listeners[type] ??= []).push(listener);
  }

  /** Fires an event's listeners. */
  fire(type: string, ev: unknown = { preventDefault: () => undefined, target: this }): void {
    for (const l of this.listeners[type] ?? []) l(ev);
  }

  /** Every descendant (depth first), this node included. */
  all(): FakeNode[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }

  /** Descendants with a tag (and a class when given). */
  find(tag: string, cls?: string): FakeNode[] {
    return this.all().filter((n) => n.tagName === tag && (cls === undefined || n.className.split(' ').includes(cls)));
  }
}

/** A document with the page's fixed elements. */
export class FakeDocument {
  readonly byId: Record<string, FakeNode> = {};

  constructor(ids: string[]) {
    for (const id of ids) this.byId[id] = new FakeNode(id === 'users' ? 'select' : id === 'composer-form' ? 'form' : 'div');
  }

  getElementById(id: string): FakeNode {
    const node = this.byId[id];
    if (!node) throw new Error(`the page asked for #${id}, which the fake document does not have`);
    return node;
  }

  createElement(tag: string): FakeNode {
    return new FakeNode(tag);
  }

  createTextNode(text: string): FakeNode {
    return new FakeNode('#text', text);
  }
}
