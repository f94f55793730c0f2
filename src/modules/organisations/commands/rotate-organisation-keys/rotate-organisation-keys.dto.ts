import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';

export class RotateOrganisationKeysDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'The complete new set of active public keys; keys left out are revoked',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsObject({ each: true })
  keys: Record<string, unknown>[];
}
