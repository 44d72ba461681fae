/**
 * The receipt preview, rendered safely: the HTML from `printers.preview` is parsed inert (DOMParser runs
 * no script), stripped of anything active (scripts, frames, links, event handlers, non-data URLs) and
 * placed in a shadow root. Its stylesheet goes in as a constructed CSSStyleSheet and its style
 * attributes through the CSSOM, both of which the page's strict CSP (style-src 'self') allows, so the
 * preview keeps the printer's exact columns. A sandboxed srcdoc iframe would inherit the page's CSP
 * and lose the receipt's styles.
 */
import { useEffect, useRef } from 'react';

const ACTIVE =
  'script, iframe, frame, object, embed, link, meta, base, form, input, button, textarea, select, style';

export function sanitizeReceipt(html: string): { css: string; body: DocumentFragment } {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const css = Array.from(doc.querySelectorAll('style'))
    .map((s) => s.textContent ?? '')
    .join('\n')
    .replace(/\bhtml\s*,\s*body\b/g, '.receipt-body')
    .replace(/(^|[\s}])body(\s*[{,])/g, '$1.receipt-body$2')
    .replace(/@import[^;]*;/g, '');
  for (const el of Array.from(doc.querySelectorAll(ACTIVE))) el.remove();
  const wrapper = doc.createElement('div');
  wrapper.className = 'receipt-body';
  for (const [name, value] of Object.entries(doc.body.dataset))
    if (value !== undefined) wrapper.dataset[name] = value;
  wrapper.append(...Array.from(doc.body.childNodes));
  const styles: Array<[Element, string]> = [];
  for (const el of [wrapper, ...Array.from(wrapper.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcset' || name === 'formaction') el.removeAttribute(attr.name);
      else if (
        (name === 'src' || name === 'href' || name.endsWith(':href')) &&
        !/^data:image\//i.test(attr.value)
      ) {
        el.removeAttribute(attr.name);
      } else if (name === 'style') {
        styles.push([el, attr.value]);
        el.removeAttribute(attr.name);
      }
    }
  }
  const fragment = document.createDocumentFragment();
  fragment.append(document.importNode(wrapper, true));
  // Re-apply inline styles through the CSSOM on the imported copies (same order, same tree).
  const imported = fragment.firstElementChild;
  if (imported) {
    const original = [wrapper, ...Array.from(wrapper.querySelectorAll('*'))];
    const copies = [imported, ...Array.from(imported.querySelectorAll('*'))];
    for (const [el, value] of styles) {
      const copy = copies[original.indexOf(el)];
      if (copy instanceof HTMLElement) copy.style.cssText = value;
    }
  }
  return { css, body: fragment };
}

export function ReceiptPreview({ html, label }: { html: string; label: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    const { css, body } = sanitizeReceipt(html);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(
      `${css}\n:host { display: block; zoom: 1.35; }\n.receipt-body { margin: 0 auto !important; box-shadow: 0 1px 4px #0003; }`,
    );
    root.adoptedStyleSheets = [sheet];
    root.replaceChildren(body);
  }, [html]);
  return (
    <section className="receipt-frame" aria-label={label}>
      <div ref={hostRef} />
    </section>
  );
}
