import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SIZE } from '../../access-log.params.js';

export class CheckpointResponse {
  @ApiProperty({ example: 2000 }) treeSize: number;
  @ApiProperty({ description: 'base64 RFC 9162 root hash of the first treeSize entries' }) rootHash: string;
  @ApiProperty({ example: '2025-11-22T10:11:12.345Z' }) timestamp: string;
  @ApiProperty({
    description:
      'Compact JWS by the gateway key (see /.well-known/jwks.json), header typ "log-checkpoint+jwt"; its payload is the RFC 8785 canonical JSON of { rootHash, timestamp, treeSize }',
  })
  jws: string;
}

export class TreeSizeParam {
  @ApiProperty({ example: '2000' })
  @Matches(SIZE, { message: 'treeSize must be a non-negative integer' })
  treeSize: string;
}
