import { createHash } from 'node:crypto';
import { Cluster, type Redis } from 'ioredis';
import { GCRA_SCRIPT } from './gcra';
import { type LimitCheck, type LimitDecision, toDecision } from './rate-limit.types';
import { withTimeout } from '@helpdeskly/async';

/** Longest wait for Redis on a request: past it the in-process limiter decides instead. */
export const REDIS_LIMIT_TIMEOUT_MS = 150;

export class RedisLimiterTimeout extends Error {}

/** What the script answered for one group of checks, by the checks' indexes in the request. */
interface GroupReply {
  readonly indexes: readonly number[];
  readonly refused: number;
  readonly retryAfterMs: number;
  readonly states: readonly { remaining: number; resetMs: number }[];
}

/**
 * The part of a key that a Redis Cluster hashes to pick its slot: what is between the first `{`
 * and the next `}` when not empty, else the whole key. Keys with one hash tag share a slot.
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Every limit of a request checked and consumed in one atomic script call (EVALSHA, loaded once;
 * EVAL on NOSCRIPT after a Redis restart or flush), bounded by {@link REDIS_LIMIT_TIMEOUT_MS}.
 *
 * A Redis Cluster runs a script only over keys of one slot, so there the checks are grouped by
 * hash tag and each group is one atomic call. A request's tenant and user keys share a tag (one
 * call, as on one Redis); the IP and account keys of an authentication route cannot (a per-account
 * limit keyed by IP would no longer follow the account across IPs), so they are two groups:
 * every group is first peeked without writing, and the request is refused, consuming nothing,
 * when one refuses; otherwise every group consumes. Between the peek and the consume a concurrent
 * request may take a group's last unit: that group refuses and the other groups keep the unit
 * they consumed. Each limit stays exact; only the all-or-nothing across groups is given up, and
 * always on the strict side (a unit spent on a refused request, never a request over a limit).
 */
export class RedisRateLimiter {
  private readonly sha = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly timeoutMs = REDIS_LIMIT_TIMEOUT_MS,
  ) {}

  async check(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    return this.bounded(this.decide(checks));
  }

  private async decide(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    const groups = this.redis instanceof Cluster ? groupByHashTag(checks) : [checks.map((_c, i) => i)];
    if (groups.length > 1) {
      const peeked = await Promise.all(groups.map((group) => this.runGroup(checks, group, true)));
      if (peeked.some((reply) => reply.refused >= 0)) return merge(checks, peeked);
    }
    return merge(checks, await Promise.all(groups.map((group) => this.runGroup(checks, group, false))));
  }

  private async runGroup(
    checks: readonly LimitCheck[],
    indexes: readonly number[],
    peek: boolean,
  ): Promise<GroupReply> {
    const keys = indexes.map((i) => checks[i].key);
    const args: (number | string)[] = indexes.flatMap((i) => [checks[i].limit, checks[i].windowSeconds * 1000]);
    if (peek) args.push('peek');
    const reply = (await this.run(keys, args)) as number[];
    return {
      indexes,
      refused: reply[0] - 1,
      retryAfterMs: reply[1],
      states: indexes.map((_i, j) => ({ remaining: reply[2 + 2 * j], resetMs: reply[3 + 2 * j] })),
    };
  }

  private async run(keys: string[], args: (number | string)[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      // EVAL also loads it into the script cache (of that node, on a cluster), so the next EVALSHA finds it.
      return this.redis.eval(GCRA_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  private bounded<T>(command: Promise<T>): Promise<T> {
    return withTimeout(
      command,
      this.timeoutMs,
      () => new RedisLimiterTimeout(`rate limit Redis call took over ${this.timeoutMs} ms`),
    );
  }
}

/** Indexes of the checks, one list per hash tag, in the order the tags first appear. */
function groupByHashTag(checks: readonly LimitCheck[]): number[][] {
  const groups = new Map<string, number[]>();
  checks.forEach((c, i) => {
    const tag = hashTag(c.key);
    const group = groups.get(tag);
    if (group) group.push(i);
    else groups.set(tag, [i]);
  });
  return [...groups.values()];
}

/** One decision from the groups' replies: the refusing limit is the one that frees last. */
function merge(checks: readonly LimitCheck[], replies: readonly GroupReply[]): LimitDecision {
  const states: { remaining: number; resetMs: number }[] = new Array(checks.length);
  let refused = -1;
  let retryAfterMs = 0;
  for (const reply of replies) {
    reply.indexes.forEach((index, j) => (states[index] = reply.states[j]));
    if (reply.refused >= 0 && (refused < 0 || reply.retryAfterMs > retryAfterMs)) {
      refused = reply.indexes[reply.refused];
      retryAfterMs = reply.retryAfterMs;
    }
  }
  return toDecision(checks, refused, retryAfterMs, states, 'redis');
}
