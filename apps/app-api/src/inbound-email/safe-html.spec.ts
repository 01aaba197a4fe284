import { describe, it } from 'node:test';
import { expect } from 'expect';
import { safeMessageHtml } from './safe-html';

const images = (cid: string) => (cid === 'shot@x' ? '/v1/attachments/1/content' : undefined);

describe(safeMessageHtml.name, () => {
  it('keeps formatting and drops scripts, handlers, styles, forms and frames', () => {
    const html =
      '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script></p><style>p{}</style>' +
      '<form action="https://evil.test"><input name="pw"></form><iframe src="https://evil.test"></iframe>';
    expect(safeMessageHtml(html, images)).toBe('<p>Hi <b>there</b></p>');
  });

  it('lets links open elsewhere, never as javascript:', () => {
    expect(safeMessageHtml('<a href="https://example.com">x</a><a href="javascript:alert(1)">y</a>', images)).toBe(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">x</a><a target="_blank" rel="noopener noreferrer nofollow">y</a>',
    );
  });

  it("shows the message's own images through their download route, and no remote one", () => {
    expect(
      safeMessageHtml('<img src="cid:shot@x" alt="shot"><img src="https://tracker.test/p.gif" alt="pixel">', images),
    ).toBe('<img src="/v1/attachments/1/content" alt="shot" /><span>pixel</span>');
    expect(safeMessageHtml('<img src="cid:unknown@x">', images)).toBe('<span></span>');
  });
});
