import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { AGREEMENT_STATUSES, type AgreementStatus } from './domain/agreement-terms.js';
import { Omittable } from '@shared/http/validators.js';

export class AgreementIdParam {
  @ApiProperty({ description: 'Agreement id', format: 'uuid' })
  @IsUUID('all', { message: 'id must be an agreement id (a UUID)' })
  id: string;
}

export class AgreementVersionParam extends AgreementIdParam {
  @ApiProperty({ description: 'Version number, from 1', type: 'integer', minimum: 1, maximum: 1_000_000, example: 1 })
  @Type(() => Number)
  @IsInt({ message: 'version must be a positive integer' })
  @Min(1)
  @Max(1_000_000)
  version: number;
}

export class ListAgreementsParams {
  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @Omittable()
  @IsIn(AGREEMENT_STATUSES, { message: `status must be one of ${AGREEMENT_STATUSES.join(', ')}` })
  status?: AgreementStatus;

  @ApiPropertyOptional({ description: 'Only agreements this organisation is or was party to' })
  @Omittable()
  @MaxLength(64)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'party must be an organisation id' })
  party?: string;
}
