import { createHash } from 'node:crypto';

/** The fields of an audit entry its hash covers, as stored (metadata after a JSON round trip). */
export interface ChainedEntry {
  readonly id: string;
  readonly tenantId: string | null;
  readonly actorUserId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly success: boolean;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly metadata: unknown;
  readonly createdAt: Date;
  readonly chainSeq: bigint;
  readonly prevHash: string | null;
}

/** The last entry of a chain, which the next one links to. */
export interface ChainHead {
  readonly chainSeq: bigint;
  readonly hash: string;
}

/** Part of what is hashed: a new serialisation gets a new version, so old entries still verify. */
const SERIALISATION_VERSION = 'audit-v1';

/** JSON with every object's keys sorted, so equal values always serialise to the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 (hex) over the entry's fields and the hash of the entry before it. */
export function auditEntryHash(entry: ChainedEntry): string {
  const fields = [
    SERIALISATION_VERSION,
    entry.prevHash,
    entry.chainSeq.toString(),
    entry.id,
    entry.tenantId,
    entry.actorUserId,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.success,
    entry.ip,
    entry.userAgent,
    canonicalJson(entry.metadata),
    entry.createdAt.toISOString(),
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export type ChainBreak = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

/**
 * Checks one entry against the one before it in its chain (undefined for the first entry still
 * kept: after retention dropped older months, its prevHash cannot be checked).
 */
export function checkLink(
  entry: ChainedEntry & { readonly hash: string | null },
  previous: ChainHead | undefined,
): ChainBreak | null {
  if (previous && entry.chainSeq !== previous.chainSeq + 1n) return 'sequence_gap';
  if (previous ? entry.prevHash !== previous.hash : entry.chainSeq === 1n && entry.prevHash !== null)
    return 'prev_hash_mismatch';
  return entry.hash === auditEntryHash(entry) ? null : 'hash_mismatch';
}
