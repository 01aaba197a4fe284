import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { PLANS, type PlanName } from '@helpdeskly/rate-limit';

/** Limits that replace the plan's for one tenant (requests per minute, as given: no multiplier). */
export class RateLimitOverridesDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000, example: 5000, description: 'The whole tenant' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  tenantPerMinute?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000, example: 600, description: 'Each user of the tenant' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  userPerMinute?: number;
}

/** What to change; an absent field is kept, null resets it (plan to free, overrides to none). */
export class UpdateTenantLimitsDto {
  @ApiPropertyOptional({ enum: PLANS, nullable: true, description: 'null: back to free' })
  @ValidateIf((dto: UpdateTenantLimitsDto) => dto.plan !== null && dto.plan !== undefined)
  @IsIn(PLANS)
  plan?: PlanName | null;

  @ApiPropertyOptional({
    type: RateLimitOverridesDto,
    nullable: true,
    description: 'Replaces every override; null (or {}) clears them',
  })
  @ValidateIf((dto: UpdateTenantLimitsDto) => dto.rateLimits !== null && dto.rateLimits !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitOverridesDto)
  rateLimits?: RateLimitOverridesDto | null;
}
