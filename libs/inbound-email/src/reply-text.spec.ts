import { describe, it } from 'node:test';
import { expect } from 'expect';
import { visibleReplyText } from './reply-text';

describe(visibleReplyText.name, () => {
  it('drops the quoted history under an "On ... wrote:" line and ">" lines', () => {
    const text = [
      'Thanks, that fixed it.',
      '',
      'On Tue, Dec 1, 2026 at 10:00 AM Acme Support <acme@inbound.test> wrote:',
      '> Please restart the printer.',
      '> ',
      '> Acme Support',
    ].join('\n');
    expect(visibleReplyText(text)).toBe('Thanks, that fixed it.');
  });

  it('drops a signature and a French quote header', () => {
    const text = [
      'Merci beaucoup !',
      '',
      'Le mar. 1 déc. 2026 à 10:00, Acme <acme@inbound.test> a écrit :',
      '> Bonjour',
    ].join('\n');
    expect(visibleReplyText(text)).toBe('Merci beaucoup !');
    expect(visibleReplyText('It works now.\n\nSent from my iPhone')).toBe('It works now.');
  });

  it('keeps the whole text when nothing would be left, so a reply is never stored empty', () => {
    expect(visibleReplyText('> only a quote\n> of the last mail')).toBe('> only a quote\n> of the last mail');
  });
});
