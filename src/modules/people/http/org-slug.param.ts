import { ApiProperty } from '@nestjs/swagger';
import { Matches, MaxLength } from 'class-validator';

/** `:id` of /organisations/{id}/identity-provider, as /organisations/{id}/keys. */
export class OrgSlugParam {
  @ApiProperty({
    description: 'Organisation id (a lowercase slug)',
    example: 'police-cleveland',
    pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
    maxLength: 64,
  })
  @MaxLength(64)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'id must be a lowercase organisation slug' })
  id: string;
}
