/** What a template says, as data: the layout turns it into both parts, escaping every value once. */
export interface EmailContent {
  readonly subject: string;
  readonly greeting: string;
  readonly paragraphs: readonly string[];
  /** Text written by someone else (a comment), shown quoted. */
  readonly quote?: string;
  readonly action?: { readonly label: string; readonly href: string };
  /** A last line in small print (why you got this email). */
  readonly footnote?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const lines = (value: string) => escapeHtml(value).replace(/\r?\n/g, '<br>\n');

export function toHtml(content: EmailContent, senderName: string): string {
  const parts = [
    `<p>${escapeHtml(content.greeting)}</p>`,
    ...content.paragraphs.map((p) => `<p>${lines(p)}</p>`),
    content.quote !== undefined
      ? `<blockquote style="margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc">${lines(content.quote)}</blockquote>`
      : '',
    content.action ? `<p><a href="${escapeHtml(content.action.href)}">${escapeHtml(content.action.label)}</a></p>` : '',
    `<p>${escapeHtml(senderName)}</p>`,
    content.footnote ? `<p style="color:#777;font-size:12px">${escapeHtml(content.footnote)}</p>` : '',
  ];
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="font-family:sans-serif;line-height:1.5">',
    ...parts.filter(Boolean),
    '</body></html>',
    '',
  ].join('\n');
}

export function toText(content: EmailContent, senderName: string): string {
  const parts = [
    content.greeting,
    ...content.paragraphs,
    content.quote !== undefined
      ? content.quote
          .split(/\r?\n/)
          .map((l) => `> ${l}`)
          .join('\n')
      : '',
    content.action ? `${content.action.label}: ${content.action.href}` : '',
    senderName,
    content.footnote ?? '',
  ];
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}
