/**
 * A notice as structured content, rendered once as plain text and once as HTML, so both parts of a
 * mail always say the same thing. Every string is escaped in the HTML part; nothing is trusted (IC's
 * messages, file names and error texts come from outside).
 */
export type NoticeBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; heading: string; items: string[] }
  | { kind: 'link'; label: string; href: string };

export interface NoticeDocument {
  subject: string;
  title: string;
  blocks: NoticeBlock[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function renderText(doc: NoticeDocument): string {
  const parts = [doc.title, ''];
  for (const block of doc.blocks) {
    if (block.kind === 'paragraph') parts.push(block.text, '');
    else if (block.kind === 'list') parts.push(`${block.heading}:`, ...block.items.map((item) => `  - ${item}`), '');
    else parts.push(`${block.label}: ${block.href}`, '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

export function renderHtml(doc: NoticeDocument): string {
  const body = doc.blocks.map((block) => {
    if (block.kind === 'paragraph') return `<p>${escapeHtml(block.text)}</p>`;
    if (block.kind === 'list') {
      const items = block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('');
      return `<h2 style="font-size:1em">${escapeHtml(block.heading)}</h2><ul>${items}</ul>`;
    }
    return `<p><a href="${escapeHtml(block.href)}">${escapeHtml(block.label)}</a></p>`;
  });
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(doc.subject)}</title></head>`,
    `<body style="font-family:sans-serif"><h1 style="font-size:1.2em">${escapeHtml(doc.title)}</h1>`,
    ...body,
    '</body></html>',
  ].join('\n');
}
