import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { SIZE } from '../../access-log.params.js';

export class ConsistencyProofQueryDto {
  @ApiProperty({ example: '1000', description: 'The older tree size (at least 1)' })
  @Matches(SIZE, { message: 'from must be a non-negative integer' })
  from: string;

  @ApiProperty({ example: '2000', description: 'The newer tree size' })
  @Matches(SIZE, { message: 'to must be a non-negative integer' })
  to: string;
}

export class ConsistencyProofResponse {
  @ApiProperty() from: number;
  @ApiProperty() to: number;
  @ApiProperty({ type: [String], description: 'base64 RFC 9162 consistency proof' }) proof: string[];
}
