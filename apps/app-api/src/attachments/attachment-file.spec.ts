import { describe, it } from 'node:test';
import { expect } from 'expect';
import { contentDisposition, isInlineSafe, safeFilename, sniffContentType } from './attachment-file';

describe(safeFilename.name, () => {
  it('keeps the last path segment only, and no control, reserved or direction characters', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\ada\\report.pdf')).toBe('report.pdf');
    expect(safeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFilename('a\u0000b\u0007c.txt')).toBe('a_b_c.txt');
    expect(safeFilename('what?<>|:*.txt')).toBe('what______.txt');
    expect(safeFilename('Über café.txt')).toBe('Über café.txt');
  });

  it('falls back when nothing is left, and never starts or ends with a dot', () => {
    for (const name of [null, undefined, '', '..', '/', '   ', '\u202E'])
      expect({ name, safe: safeFilename(name) }).toEqual({ name, safe: 'attachment' });
    expect(safeFilename('.htaccess')).toBe('htaccess');
  });

  it('cuts a long name to 255 UTF-8 bytes, keeping its extension and whole characters', () => {
    const long = safeFilename(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('é.pdf')).toBe(true);
  });
});

describe(sniffContentType.name, () => {
  it('reads the type from the bytes, whatever the sender declared', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await sniffContentType(png)).toBe('image/png');
    expect(await sniffContentType(Buffer.from('%PDF-1.7\n%âãÏÓ\n'))).toBe('application/pdf');
    expect(await sniffContentType(Buffer.from('line 1\nline 2 ünïcode\n'))).toBe('text/plain');
    expect(await sniffContentType(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x00]))).toBe('application/octet-stream');
    // An "image" that is HTML is text, never shown inline.
    expect(await sniffContentType(Buffer.from('<html><script>alert(1)</script></html>'))).toBe('text/plain');
  });
});

describe(isInlineSafe.name, () => {
  it('shows raster images inline, and serves SVG, HTML, PDF and the rest as downloads', () => {
    expect(isInlineSafe('image/png')).toBe(true);
    for (const type of ['image/svg+xml', 'text/html', 'text/plain', 'application/pdf', 'application/octet-stream'])
      expect({ type, inline: isInlineSafe(type) }).toEqual({ type, inline: false });
  });
});

describe(contentDisposition.name, () => {
  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Über "café".txt')).toBe(
      `attachment; filename="_ber _caf__.txt"; filename*=UTF-8''%C3%9Cber%20%22caf%C3%A9%22.txt`,
    );
  });
});
