import { ApiProperty } from '@nestjs/swagger';
import { SignatureResponse, TermsResponse } from '../get-agreement/agreement.response.js';

export class AgreementVersionResponse extends TermsResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Whether this is the version in force (decisions rely on it)' }) inForce: boolean;
  @ApiProperty({ description: 'Whether this is the latest version' }) current: boolean;
  @ApiProperty() documentSha256: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: { org: string; sub: string };
  @ApiProperty({ type: [SignatureResponse] }) signatures: SignatureResponse[];
}

export class AgreementVersionSummaryResponse {
  @ApiProperty() version: number;
  @ApiProperty() inForce: boolean;
  @ApiProperty() current: boolean;
  @ApiProperty() documentSha256: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() createdBy: { org: string; sub: string };
  @ApiProperty({ type: [String], description: 'Parties that signed this version' }) signedBy: string[];
}
