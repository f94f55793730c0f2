import { Matches, MaxLength } from 'class-validator';

export class OrgIdParam {
  @MaxLength(64)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'id must be a lowercase organisation slug' })
  id: string;
}
