import { describe, it } from 'node:test';
import { expect } from 'expect';
import { type ChainedEntry, auditEntryHash, canonicalJson, checkLink } from './audit-chain';

const entry = (overrides: Partial<ChainedEntry> = {}): ChainedEntry => ({
  id: '7a0c3f0e-8f59-4d47-9a37-0f1c2b1e5d10',
  tenantId: 'b0e1c7a2-4a57-4a53-8d0e-2f7e4c0f9a11',
  actorUserId: null,
  action: 'membership.role_changed',
  targetType: 'user',
  targetId: '42',
  success: true,
  ip: '203.0.113.7',
  userAgent: 'curl/8',
  metadata: { before: 'AGENT', after: 'ADMIN' },
  createdAt: new Date('2026-12-02T10:00:00.123Z'),
  chainSeq: 1n,
  prevHash: null,
  ...overrides,
});
const sealed = (fields: ChainedEntry) => ({ ...fields, hash: auditEntryHash(fields) });

describe('audit chain', () => {
  it('serialises objects the same whatever the order of their keys', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x' })).toBe(
      canonicalJson({ a: 'x', b: [1, { c: null, d: 2 }] }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('hashes every field: changing any one changes the hash', () => {
    const base = auditEntryHash(entry());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(auditEntryHash(entry({ metadata: { after: 'ADMIN', before: 'AGENT' } }))).toBe(base);
    const changes: Array<Partial<ChainedEntry>> = [
      { id: '7a0c3f0e-8f59-4d47-9a37-0f1c2b1e5d11' },
      { tenantId: null },
      { actorUserId: 'someone' },
      { action: 'x' },
      { targetType: null },
      { targetId: '43' },
      { success: false },
      { ip: null },
      { userAgent: 'other' },
      { metadata: { before: 'AGENT', after: 'OWNER' } },
      { createdAt: new Date('2026-12-02T10:00:00.124Z') },
      { chainSeq: 2n },
      { prevHash: 'a'.repeat(64) },
    ];
    for (const change of changes) expect(auditEntryHash(entry(change))).not.toBe(base);
  });

  it('accepts a well-linked entry and names what is wrong with a bad one', () => {
    const first = sealed(entry());
    const second = sealed(entry({ id: 'c1', chainSeq: 2n, prevHash: first.hash }));
    expect(checkLink(first, undefined)).toBeNull();
    expect(checkLink(second, first)).toBeNull();
    expect(checkLink({ ...second, action: 'tampered' }, first)).toBe('hash_mismatch');
    expect(checkLink(second, { chainSeq: 1n, hash: 'b'.repeat(64) })).toBe('prev_hash_mismatch');
    expect(checkLink(sealed(entry({ chainSeq: 3n, prevHash: first.hash })), first)).toBe('sequence_gap');
    expect(checkLink(sealed(entry({ prevHash: 'c'.repeat(64) })), undefined)).toBe('prev_hash_mismatch');
    // The oldest entry kept after retention dropped older months: its link cannot be checked.
    expect(checkLink(sealed(entry({ chainSeq: 7n, prevHash: 'c'.repeat(64) })), undefined)).toBeNull();
  });
});
