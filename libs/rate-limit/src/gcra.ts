/** One limit: `limit` requests per `windowMs`, a burst of up to `limit` from rest (GCRA). */
export interface GcraLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** A limit's state after a decision: requests left now, and ms until its whole quota is back. */
export interface GcraState {
  readonly remaining: number;
  readonly resetMs: number;
}

export interface GcraDecision {
  readonly allowed: boolean;
  /** Index of the limit that refused (the one that frees last), -1 when allowed. */
  readonly refused: number;
  /** ms until the refused request would be allowed; 0 when allowed. */
  readonly retryAfterMs: number;
  readonly states: readonly GcraState[];
  /** Theoretical arrival times to store when allowed (unchanged when refused). */
  readonly tats: readonly number[];
}

// Floating point (60000 / 7 added seven times) and Redis storing TATs to the microsecond must not
// cost a unit: differences under this many milliseconds count as none.
const TOLERANCE_MS = 0.01;

/**
 * The Generic Cell Rate Algorithm over several limits at once, all or nothing: a request is
 * allowed only when every limit allows it, and then consumes one unit of each. `tats[i]` is the
 * stored theoretical arrival time of limit i (undefined: at rest). The Lua script of
 * {@link GCRA_SCRIPT} is this function, line for line, run inside Redis.
 */
export function gcra(tats: readonly (number | undefined)[], limits: readonly GcraLimit[], now: number): GcraDecision {
  const base = limits.map((_limit, i) => Math.max(tats[i] ?? now, now));
  let refused = -1;
  let retryAfterMs = 0;
  limits.forEach((l, i) => {
    const allowAt = base[i] + l.windowMs / l.limit - l.windowMs;
    if (allowAt - now > TOLERANCE_MS && allowAt - now > retryAfterMs) {
      refused = i;
      retryAfterMs = allowAt - now;
    }
  });
  const allowed = refused === -1;
  const next = allowed ? base.map((tat, i) => tat + limits[i].windowMs / limits[i].limit) : base;
  const states = limits.map((l, i) => {
    const interval = l.windowMs / l.limit;
    // Never more than the quota (less the unit just consumed): with a huge limit the interval is
    // far below TOLERANCE_MS and the float precision of epoch milliseconds, which alone added units
    // (100,000,000 per minute showed r=100000015).
    return {
      remaining: Math.min(
        allowed ? l.limit - 1 : l.limit,
        Math.max(0, Math.floor((l.windowMs - (next[i] - now) + TOLERANCE_MS) / interval)),
      ),
      resetMs: Math.max(0, Math.ceil(next[i] - now - TOLERANCE_MS)),
    };
  });
  return { allowed, refused, retryAfterMs: Math.ceil(retryAfterMs), states, tats: next };
}

/**
 * {@link gcra} in Redis, atomic: KEYS are the limits' keys, ARGV (limit, windowMs) per key, then
 * an optional `peek` (decide without writing; the states as they are, nothing consumed). Time is
 * Redis's own (TIME), so every instance agrees. Returns {refused index (1-based, 0 none), retryAfterMs, then remaining and resetMs per
 * key}; writes only when every limit allows.
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local peek = ARGV[2 * n + 1] == 'peek'
local tats, intervals, windows, limits = {}, {}, {}, {}
local refused, retry = 0, 0
for i = 1, n do
  local window = tonumber(ARGV[2 * i])
  local interval = window / tonumber(ARGV[2 * i - 1])
  local tat = tonumber(redis.call('GET', KEYS[i])) or now
  if tat < now then tat = now end
  tats[i], intervals[i], windows[i], limits[i] = tat, interval, window, tonumber(ARGV[2 * i - 1])
  local allow_at = tat + interval - window
  if allow_at - now > 0.01 and allow_at - now > retry then
    refused = i
    retry = allow_at - now
  end
end
local out = { refused, math.ceil(retry) }
for i = 1, n do
  local tat = tats[i]
  if refused == 0 and not peek then
    tat = tat + intervals[i]
    redis.call('SET', KEYS[i], string.format('%.3f', tat), 'PX', math.max(1, math.ceil(tat - now)))
  end
  local remaining = math.floor((windows[i] - (tat - now) + 0.01) / intervals[i])
  if remaining < 0 then remaining = 0 end
  local cap = limits[i]
  if refused == 0 and not peek then cap = cap - 1 end
  if remaining > cap then remaining = cap end
  out[#out + 1] = remaining
  out[#out + 1] = math.max(0, math.ceil(tat - now - 0.01))
end
return out
`;
