import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ActorResponse {
  @ApiProperty({ example: 'police-cleveland' }) org: string;
  @ApiProperty({ example: 'user:pc-1' }) sub: string;
  @ApiProperty({ example: ['iom-officer'] }) roles: string[];
}

class ResourceResponse {
  @ApiProperty({ example: 'case' }) type: string;
  @ApiProperty({ example: 'X123456' }) id: string;
}

class AgreementRefResponse {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
}

class PruningResponse {
  @ApiProperty({ nullable: true, type: String, description: 'When the pruning ran (RFC 3339)' }) on: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Entries older than this were due (RFC 3339)' })
  cutoff: string | null;
}

/** An entry as stored: its RFC 8785 canonical JSON is the Merkle leaf. */
export class AccessLogEntryResponse {
  @ApiProperty({ example: 42 }) index: number;
  @ApiProperty({ example: '2025-11-22T10:11:12.345Z' }) timestamp: string;
  @ApiProperty({ type: ActorResponse }) actor: ActorResponse;
  @ApiProperty({ example: 'case.summary' }) action: string;
  @ApiProperty({ type: ResourceResponse }) resource: ResourceResponse;
  @ApiProperty({ nullable: true, type: String, example: 'X123456' }) crn: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'IOM' }) purpose: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ enum: ['ALLOW', 'DENY'] }) decision: string;
  @ApiProperty({ description: 'Policy rule ids, agreement:<id>@v<version>, or why denied' }) reasons: string[];
  @ApiProperty({ type: AgreementRefResponse, nullable: true }) agreement: AgreementRefResponse | null;
  @ApiProperty() fieldsReleased: string[];
  @ApiProperty() fieldsWithheld: string[];
  @ApiProperty({ nullable: true, type: String }) recipientOrg: string | null;
  @ApiProperty({ nullable: true, type: String }) ownerOrg: string | null;
  @ApiProperty() requestId: string;
  @ApiProperty({ nullable: true, type: String }) jti: string | null;
  @ApiProperty() breakGlass: boolean;
  @ApiPropertyOptional({
    example: 'q83vEjRWeJq83vEjRWeJqw==',
    description:
      '16 random bytes (base64) in every entry written since salts were added: part of the leaf, so that its published hash cannot be matched against guesses. Left out of a redacted view.',
  })
  salt?: string;
  @ApiPropertyOptional({
    enum: [true],
    description:
      "Present when this is the reviewer's projection of a \"not found\" entry (restricted, unrelated or unknown case alike) rather than the stored entry: ownerOrg is null, reasons are ['not_found'], agreement and fields are empty. Only the data's owner and the operator see such entries as stored.",
  })
  redacted?: true;
  @ApiPropertyOptional({
    description: 'With redacted: base64 RFC 9162 leaf hash of the stored entry, for its inclusion proof',
  })
  leafHash?: string;
  @ApiPropertyOptional({
    type: PruningResponse,
    description:
      "Present when the entry's body was pruned under the log's retention schedule: the entry keeps its index, timestamp, action, decision, acting and receiving organisations and leaf hash (redacted: true); every member that held personal data is empty.",
  })
  pruned?: PruningResponse;
}

export class AccessLogPageResponse {
  @ApiProperty({ type: [AccessLogEntryResponse] }) entries: AccessLogEntryResponse[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as cursor for the next, older page; null on the last page',
  })
  nextCursor: string | null;
}
