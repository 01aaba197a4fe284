import sanitizeHtml from 'sanitize-html';

/**
 * The HTML of a received message, safe to show in the console: sanitize-html's allow-list of
 * formatting tags, no script, style, form, frame or event handler; links open elsewhere and never
 * run script (http, https, mailto only); images only from the message itself (`cid:`, rewritten
 * to the attachment's download route by `imageUrlOf`), never remote ones, which track the reader.
 */
export function safeMessageHtml(html: string, imageUrlOf: (contentId: string) => string | undefined): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
      }),
      img: (tagName, attribs) => {
        const cid = /^cid:(.+)$/i.exec(attribs.src ?? '')?.[1];
        const url = cid ? imageUrlOf(cid.replace(/^<|>$/g, '')) : undefined;
        return url
          ? { tagName, attribs: { ...attribs, src: url } }
          : { tagName: 'span', attribs: {}, text: attribs.alt ?? '' };
      },
    },
    // The rewritten src is a path of ours: allowed as a relative URL.
    allowedSchemesAppliedToAttributes: ['href'],
  });
}
