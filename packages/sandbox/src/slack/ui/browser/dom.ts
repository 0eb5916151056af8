/** DOM helpers: the page's fixed elements by id and new elements whose text is set with textContent only. */

/** The fixed elements of the page (page.ts) and their types. */
interface PageElements {
  team: HTMLElement;
  channels: HTMLElement;
  apps: HTMLElement;
  home: HTMLElement;
  people: HTMLElement;
  users: HTMLSelectElement;
  head: HTMLElement;
  log: HTMLElement;
  input: HTMLInputElement;
  'composer-form': HTMLFormElement;
  status: HTMLElement;
  modal: HTMLElement;
  confirm: HTMLElement;
}

/** One of the page's fixed elements. */
export function $<K extends keyof PageElements>(id: K): PageElements[K] {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as PageElements[K];
}

/** A new element with a class and text; the text is never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: string | null,
): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined && text !== null) n.textContent = String(text);
  return n;
}
