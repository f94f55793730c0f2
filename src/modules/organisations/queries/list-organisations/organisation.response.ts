import { ApiProperty } from '@nestjs/swagger';
import { ORG_KINDS } from '@shared/auth/roles.js';

export class OrganisationResponse {
  @ApiProperty({ example: 'police-cleveland' })
  id: string;
  @ApiProperty({ enum: ORG_KINDS })
  kind: string;
  @ApiProperty({ example: 'Cleveland Police' })
  name: string;
  @ApiProperty({ example: 'North East' })
  region: string;
  @ApiProperty({ enum: ['ACTIVE', 'SUSPENDED'] })
  status: string;
}
