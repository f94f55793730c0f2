import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsRfc3339 } from '@shared/http/validators.js';

export class RetentionReportQueryDto {
  @ApiPropertyOptional({
    description: 'Report as the job would see it at this time (a dry run, nothing is erased); default now',
    example: '2027-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsRfc3339()
  at?: string;
}
