import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { OrganisationsModule } from '@modules/organisations/index.js';
import { PeopleModule } from '@modules/people/index.js';
import { CaseSummaryController } from './http/case-summary.controller.js';
import { FindAPersonController } from './http/find-a-person.controller.js';

/** Pages for IOM officers and offender managers: find a person, the IOM cohort, a case summary. */
@Module({
  imports: [CqrsModule, OrganisationsModule, PeopleModule],
  controllers: [FindAPersonController, CaseSummaryController],
})
export class OfficerPagesModule {}
