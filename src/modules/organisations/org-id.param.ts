import { ApiProperty } from '@nestjs/swagger';
import { Matches, MaxLength } from 'class-validator';

export class OrgIdParam {
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

export class PersonKeyParams extends OrgIdParam {
  @ApiProperty({
    description: 'A personal key\'s kid: "person-" and its RFC 7638 thumbprint',
    example: 'person-NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    pattern: '^person-[A-Za-z0-9_-]{43}$',
  })
  @Matches(/^person-[A-Za-z0-9_-]{43}$/, { message: 'kid must be a personal key id ("person-" and 43 characters)' })
  kid: string;
}
