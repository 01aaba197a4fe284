/** Requests per minute of a tenant as a whole and of each of its users. */
export interface PlanLimits {
  readonly tenantPerMinute: number;
  readonly userPerMinute: number;
}

/** Default limits of each plan (tenants.plan), before RATE_LIMIT_PLAN_MULTIPLIER. */
export const PLAN_LIMITS = {
  free: { tenantPerMinute: 600, userPerMinute: 120 },
  pro: { tenantPerMinute: 3_000, userPerMinute: 600 },
  enterprise: { tenantPerMinute: 15_000, userPerMinute: 1_500 },
} as const satisfies Record<string, PlanLimits>;

export type PlanName = keyof typeof PLAN_LIMITS;
export const PLANS = Object.keys(PLAN_LIMITS) as PlanName[];

/** The overrides tenants.rate_limits may hold; each replaces the plan's value as is (no multiplier). */
export const RATE_LIMIT_OVERRIDE_KEYS = [
  'tenantPerMinute',
  'userPerMinute',
] as const satisfies readonly (keyof PlanLimits)[];

/** What the limits of a tenant are made of, as stored (and cached). */
export interface TenantLimitsSource {
  readonly plan: string;
  readonly rateLimits: unknown;
}

/**
 * A tenant's effective limits: its plan's (an unknown plan counts as free) times the multiplier,
 * then each valid override (a positive integer) in place of the plan's value.
 */
export function effectiveLimits(source: TenantLimitsSource | null, multiplier: number): PlanLimits {
  const plan: PlanLimits = PLAN_LIMITS[(source?.plan ?? 'free') as PlanName] ?? PLAN_LIMITS.free;
  const overrides =
    source?.rateLimits && typeof source.rateLimits === 'object' && !Array.isArray(source.rateLimits)
      ? (source.rateLimits as Record<string, unknown>)
      : {};
  const pick = (key: keyof PlanLimits) => {
    const override = overrides[key];
    return typeof override === 'number' && Number.isInteger(override) && override > 0
      ? override
      : Math.max(1, Math.round(plan[key] * multiplier));
  };
  return { tenantPerMinute: pick('tenantPerMinute'), userPerMinute: pick('userPerMinute') };
}
