import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { HasText } from '@shared/http/validators.js';

export class RequestTransferDto {
  @ApiProperty({ example: 'nps-north-east' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'toOrg must be an organisation id' })
  @Length(2, 64)
  toOrg: string;

  @ApiProperty({ example: 'RoSH assessed HIGH; NPS to manage' })
  @IsString()
  @Length(3, 1000)
  @HasText(3)
  reason: string;
}

export class TransferParams {
  @ApiProperty({ description: 'Case reference number', example: 'X123456', pattern: '^[A-Z][0-9]{6}$' })
  @Matches(/^[A-Z][0-9]{6}$/, { message: 'crn must be one capital letter and six digits' })
  crn: string;
  @ApiProperty({ description: 'Transfer id', format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'id must be a transfer id (uuid)',
  })
  id: string;
}
