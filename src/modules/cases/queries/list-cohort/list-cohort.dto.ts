import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ForceParam {
  @ApiProperty({ example: 'cleveland', description: 'The police force, as in its organisation id police-<force>' })
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { message: 'force must be a lowercase slug, like cleveland' })
  force: string;
}
