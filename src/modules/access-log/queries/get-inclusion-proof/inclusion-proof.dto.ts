import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SIZE } from '../../access-log.params.js';

export class InclusionProofQueryDto {
  @ApiProperty({
    example: '2000',
    description: "Size of the tree the proof is for, e.g. a signed checkpoint's treeSize",
  })
  @Matches(SIZE, { message: 'treeSize must be a non-negative integer' })
  treeSize: string;
}

export class InclusionProofResponse {
  @ApiProperty() index: number;
  @ApiProperty() treeSize: number;
  @ApiProperty({ description: 'base64 SHA-256(0x00 || canonical entry bytes)' }) leafHash: string;
  @ApiProperty({ type: [String], description: 'base64 RFC 9162 audit path, leaf end first' }) auditPath: string[];
}
