import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, Max, Min, ValidateNested } from 'class-validator';

/** A year: longer targets are a mistake, not a service level. */
const MAX_MINUTES = 525_600;

export class SlaTargetDto {
  @ApiProperty({
    minimum: 1,
    maximum: MAX_MINUTES,
    example: 60,
    description: 'Minutes from creation to the first public agent reply',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  firstResponseMinutes: number;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_MINUTES,
    example: 240,
    description: 'Minutes from creation to solved; not shorter than the first response',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_MINUTES)
  resolutionMinutes: number;
}

/** Targets for every priority; a PUT replaces all four. */
export class SlaSettingsDto {
  @ApiProperty({ type: SlaTargetDto }) @IsDefined() @ValidateNested() @Type(() => SlaTargetDto) URGENT: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto }) @IsDefined() @ValidateNested() @Type(() => SlaTargetDto) HIGH: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto }) @IsDefined() @ValidateNested() @Type(() => SlaTargetDto) NORMAL: SlaTargetDto;
  @ApiProperty({ type: SlaTargetDto }) @IsDefined() @ValidateNested() @Type(() => SlaTargetDto) LOW: SlaTargetDto;
}
