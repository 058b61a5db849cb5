// Building the page's elements: text goes in as text nodes, never parsed as HTML.

type AttrValue = string | number | boolean | null | undefined;
export type Child = Node | string | number | null | undefined;

/** An element with attributes (`class`, `text`, others as attributes; null, undefined and false are left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, AttrValue> = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** The element with this id; a page without it is a broken page, said in one line. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/** Replaces the rows of table #id. */
export function fillTable(id: string, rows: readonly HTMLTableRowElement[]): void {
  const body = byId(id).querySelector('tbody');
  if (!body) throw new Error(`table #${id} has no tbody`);
  body.replaceChildren(...rows);
}
