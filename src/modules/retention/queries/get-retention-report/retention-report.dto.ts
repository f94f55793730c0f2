import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsRfc3339, Omittable } from '@shared/http/validators.js';

export class RetentionReportQueryDto {
  @ApiPropertyOptional({
    description: 'Report as the job would see it at this time (a dry run, nothing is erased); default now',
    example: '2027-01-01T00:00:00Z',
  })
  @Omittable()
  @IsRfc3339()
  at?: string;
}
