import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class SignAgreementDto {
  @ApiProperty({
    description:
      "Compact JWS (ES256 or EdDSA, header kid = a registered key of the signer's organisation) whose payload is exactly the bytes of GET /agreements/{id}/document",
    example: 'eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJ0eXBlIjoi...In0.MEUCIQ...',
  })
  @IsString()
  @Length(20, 200_000)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, {
    message: 'jws must be a compact JWS (three base64url parts separated by dots)',
  })
  jws: string;
}
