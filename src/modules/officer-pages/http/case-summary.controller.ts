import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { FORM } from '@shared/http/form-body.js';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { PURPOSES, isPurpose, type Purpose } from '@shared/domain/vocabulary.js';
import type { FieldError } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import { CaseException, ReadCaseQuery, type ReadCaseResult } from '@modules/cases/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { summaryView } from '../domain/summary-view.js';
import { PURPOSE_WORDS } from '@shared/domain/plain-words.js';
import { PageKit, errorsFor, formOf, reasonOf, type FastifyReply, type FastifyRequest } from './page-kit.js';

const CRN = /^[A-Z][0-9]{6}$/;

/**
 * The summary page of a case: GET asks for a purpose and a reason and looks nothing up (the same
 * page for every CRN of the right form); POST reads the summary through the same query as GET
 * /cases/{crn}/summary, with the principal the person acts as, so the decision and its log entry
 * are the API's. A restricted case, one outside every relationship and an unknown CRN give the
 * same 404 page.
 */
@Public()
@ApiExcludeController()
@Controller()
export class CaseSummaryController {
  private readonly kit: PageKit;

  constructor(
    private readonly queries: QueryBus,
    private readonly orgs: OrganisationDirectory,
    people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.kit = new PageKit(people, config.demo);
  }

  @Get('case/:crn')
  async choose(@Param('crn') crn: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    if (!CRN.test(crn)) return this.notFound(reply);
    this.form(reply, 200, person, crn, {}, []);
  }

  @Post('case/:crn')
  @Consumes(FORM)
  async read(
    @Param('crn') crn: string,
    @Req() req: FastifyRequest,
    @Body() raw: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    if (!CRN.test(crn)) return this.notFound(reply);
    if (!person.formCameFromSession(raw))
      return this.kit.formNotFromSession(reply, { href: `/case/${crn}`, text: 'Open the page again' });
    const body = formOf(raw);
    const errors: FieldError[] = [];
    const purpose = body.purpose;
    if (!isPurpose(purpose)) errors.push({ field: 'purpose', message: 'Choose why you need this summary' });
    const reason = reasonOf(body);
    if (typeof reason !== 'string') errors.push(reason);
    if (errors.length || !isPurpose(purpose) || typeof reason !== 'string')
      return this.form(reply, 400, person, crn, body, errors);
    let summary: ReadCaseResult;
    try {
      summary = await this.queries.execute(new ReadCaseQuery(person.principal(reason), crn, purpose, 'summary', true));
    } catch (e) {
      if (e instanceof CaseException && e.kind === 'not_found') return this.notFound(reply);
      if (e instanceof CaseException && e.kind === 'forbidden') return this.forbidden(reply, crn, purpose, e.detail);
      throw e;
    }
    const manager = typeof summary.managingOrg === 'string' ? await this.orgName(summary.managingOrg) : null;
    this.kit.send(reply, 200, 'case-summary.njk', {
      title: `Case summary ${crn}`,
      ...summaryView(summary, purpose, manager),
    });
  }

  private form(
    reply: FastifyReply,
    status: number,
    person: SignedInPerson,
    crn: string,
    body: Record<string, unknown>,
    errors: FieldError[],
  ): void {
    const { errorList, messages } = errorsFor(errors, ['purpose', 'reason']);
    const value = (k: string) => (typeof body[k] === 'string' ? body[k] : '');
    this.kit.send(reply, status, 'case-purpose.njk', {
      title: `${errors.length ? 'Error: ' : ''}Read the summary of case ${crn}`,
      crn,
      formToken: person.formToken,
      errorList,
      errors: messages,
      values: { purpose: value('purpose'), reason: value('reason') },
      purposes: PURPOSES.map((p) => ({
        value: p,
        text: PURPOSE_WORDS[p].text,
        hint: { text: PURPOSE_WORDS[p].hint },
        checked: value('purpose') === p,
      })),
    });
  }

  /** The one page for a restricted case, a case outside every relationship and an unknown CRN. */
  private notFound(reply: FastifyReply): void {
    this.kit.problem(
      reply,
      404,
      'No case you may see',
      'There is no case with this CRN that you may see for this purpose. Check the CRN, or find the person by their PNC number or name and date of birth.',
      { href: '/find-a-person', text: 'Find a person' },
    );
  }

  private forbidden(reply: FastifyReply, crn: string, purpose: Purpose, why: string): void {
    this.kit.send(reply, 403, 'case-forbidden.njk', {
      title: 'You cannot read this summary',
      crn,
      purpose: PURPOSE_WORDS[purpose].text,
      why,
    });
  }

  private async orgName(id: string): Promise<string> {
    return (await this.orgs.get(id))?.name ?? id;
  }
}
