import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { expect } from 'expect';
import { composeMessage } from './compose.fixture';
import { parseInboundMessage } from './inbound-message';

describe(parseInboundMessage.name, () => {
  it('reads the addresses, threading headers, subject and text a mail client sends', async () => {
    const raw = await composeMessage({
      from: { name: 'Ada Lovelace', address: 'Ada@Example.COM' },
      to: 'acme@inbound.test',
      cc: ['Bob <bob@example.com>', 'carol@example.com'],
      replyTo: 'ada.private@example.com',
      subject: '  Re: [#12] Printer on fire ',
      messageId: '<m-2@example.com>',
      inReplyTo: '<m-1@helpdeskly>',
      references: ['<ticket-1@helpdeskly>', '<m-1@helpdeskly>'],
      text: 'It is still burning.\r\nPlease hurry.',
    });
    const message = await parseInboundMessage(raw);
    expect(message).toMatchObject({
      messageId: '<m-2@example.com>',
      messageIdSynthesized: false,
      inReplyTo: ['<m-1@helpdeskly>'],
      references: ['<ticket-1@helpdeskly>', '<m-1@helpdeskly>'],
      from: { address: 'ada@example.com', name: 'Ada Lovelace' },
      replyTo: [{ address: 'ada.private@example.com', name: '' }],
      to: [{ address: 'acme@inbound.test', name: '' }],
      cc: [
        { address: 'bob@example.com', name: 'Bob' },
        { address: 'carol@example.com', name: '' },
      ],
      subject: 'Re: [#12] Printer on fire',
      text: 'It is still burning.\nPlease hurry.',
      html: null,
      attachments: [],
    });
    expect(message.date).toBeInstanceOf(Date);
    expect(message.headers.get('message-id')).toBe('<m-2@example.com>');
  });

  it('converts an HTML-only message to text and keeps the HTML as sent', async () => {
    const html = '<p>Hello <b>team</b>,</p><p>the <a href="https://x.test">page</a> is blank.</p>';
    const message = await parseInboundMessage(
      await composeMessage({ from: 'a@example.com', to: 'acme@inbound.test', subject: 'Blank', html }),
    );
    expect(message.html?.trim()).toBe(html);
    expect(message.text).toContain('Hello team');
    expect(message.text).toContain('is blank');
    expect(message.text).not.toContain('<b>');
  });

  it('gives a message without Message-ID a stable one of its bytes, so a redelivery is recognised', async () => {
    const raw = Buffer.from('From: a@example.com\r\nTo: acme@inbound.test\r\nSubject: hi\r\n\r\nbody\r\n');
    const first = await parseInboundMessage(raw);
    const again = await parseInboundMessage(Readable.from([raw.subarray(0, 10), raw.subarray(10)]));
    expect(first.messageIdSynthesized).toBe(true);
    expect(first.messageId).toMatch(/^<[0-9a-f]{64}@inbound\.helpdeskly\.invalid>$/);
    expect(again.messageId).toBe(first.messageId);
  });

  it('lists attachments with their declared type, size and Content-ID, inline images included', async () => {
    const message = await parseInboundMessage(
      await composeMessage({
        from: 'a@example.com',
        to: 'acme@inbound.test',
        subject: 'Logs',
        text: 'See attached.',
        html: '<p>See <img src="cid:shot@x"></p>',
        attachments: [
          { filename: 'app.log', content: 'line 1\nline 2\n', contentType: 'text/plain' },
          { filename: 'shot.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), cid: 'shot@x' },
          { filename: '../../etc/passwd', content: 'root:x:0:0', contentType: 'application/octet-stream' },
        ],
      }),
    );
    expect(
      message.attachments.map(({ filename, declaredType, size, contentId, inline }) => ({
        filename,
        declaredType,
        size,
        contentId,
        inline,
      })),
    ).toEqual([
      // In MIME order: the HTML's related image comes before the mixed attachments.
      { filename: 'shot.png', declaredType: 'image/png', size: 4, contentId: 'shot@x', inline: true },
      { filename: 'app.log', declaredType: 'text/plain', size: 14, contentId: null, inline: false },
      // Not sanitized here: storing it is where the name is made safe.
      {
        filename: '../../etc/passwd',
        declaredType: 'application/octet-stream',
        size: 10,
        contentId: null,
        inline: false,
      },
    ]);
    expect(message.attachments[1]!.content.toString()).toBe('line 1\nline 2\n');
    expect(message.html).toContain('cid:shot@x');
  });

  it('recovers what it can of malformed MIME instead of throwing', async () => {
    const broken = Buffer.from(
      'From: "Unclosed <a@example.com\r\nTo: acme@inbound.test\r\nSubject: =?utf-8?B?broken?=\r\n' +
        'Content-Type: multipart/mixed; boundary="zzz"\r\n\r\n--zzz\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n',
    );
    const message = await parseInboundMessage(broken);
    expect(message.to).toEqual([{ address: 'acme@inbound.test', name: '' }]);
    expect(typeof message.text).toBe('string');
    expect(message.messageIdSynthesized).toBe(true);
  });

  it('decodes mixed encodings: an ISO-8859-1 body under a UTF-8 encoded-word subject', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        'From: a@example.com\r\nTo: acme@inbound.test\r\nSubject: =?UTF-8?B?w4dhIG5lIG1hcmNoZSBwYXM=?=\r\n' +
          'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
      ),
      Buffer.from('Le caf\xe9 est froid.\r\n', 'latin1'),
    ]);
    const message = await parseInboundMessage(raw);
    expect(message.subject).toBe('Ça ne marche pas');
    expect(message.text).toBe('Le café est froid.');
  });
});
