import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { PURPOSES, type Purpose } from '@shared/domain/vocabulary.js';
import { Omittable } from '@shared/http/validators.js';

/**
 * POST /people/search. Exactly one way to search: `pnc`, or `givenName`, `familyName` and
 * `dateOfBirth` together, or `crn`; which combinations are valid is personSearchOf's to say
 * (domain/person-search.ts), so the page and the API refuse the same input alike.
 */
export class SearchPeopleDto {
  @ApiPropertyOptional({ example: '2004/0012345A', description: 'Police National Computer ID' })
  @Omittable()
  @IsString()
  @MaxLength(20)
  pnc?: string;

  @ApiPropertyOptional({
    example: 'Ann',
    description: 'With familyName and dateOfBirth; matched without regard to case',
  })
  @Omittable()
  @IsString()
  @MaxLength(200)
  givenName?: string;

  @ApiPropertyOptional({ example: 'Example' })
  @Omittable()
  @IsString()
  @MaxLength(200)
  familyName?: string;

  @ApiPropertyOptional({ example: '1985-03-14', format: 'date' })
  @Omittable()
  @IsString()
  @MaxLength(20)
  dateOfBirth?: string;

  @ApiPropertyOptional({
    example: 'X123456',
    description: 'Whether the caller may know of this CRN, and may read its summary',
  })
  @Omittable()
  @IsString()
  @MaxLength(20)
  crn?: string;

  @ApiProperty({ enum: PURPOSES, description: 'Why the person is looked for; decides whom the caller may know of' })
  @IsIn(PURPOSES, { message: `purpose must be one of ${PURPOSES.join(', ')}` })
  purpose: Purpose;
}
