import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { FORM } from '@shared/http/form-body.js';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { PURPOSES, isPurpose } from '@shared/domain/vocabulary.js';
import type { FieldError } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import {
  ListCohortQuery,
  SearchPeopleQuery,
  personSearchOf,
  type CohortResponse,
  type PersonSearch,
  type PersonSearchResponse,
} from '@modules/cases/index.js';
import { OrganisationDirectory } from '@modules/organisations/index.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { PURPOSE_WORDS, ukDay } from '@shared/domain/plain-words.js';
import { LEVEL_TEXT, ROSH_WORDS } from '../domain/plain-words.js';
import { PageKit, errorsFor, formOf, reasonOf, type FastifyReply, type FastifyRequest } from './page-kit.js';

const SEARCH_FIELDS = ['searchBy', 'crn', 'pnc', 'givenName', 'familyName', 'dateOfBirth', 'purpose', 'reason'];
const DATE_ANCHOR = { dateOfBirth: 'dateOfBirth-day' };

/** The page's words for each field a search can get wrong. */
const SEARCH_MESSAGES: Record<string, string> = {
  crn: 'Enter a CRN in the correct format, like X123456',
  pnc: 'Enter a PNC number in the correct format, like 2004/0012345A',
  givenName: 'Enter their given name (100 characters or fewer)',
  familyName: 'Enter their family name (100 characters or fewer)',
  dateOfBirth: 'Date of birth must be a real date in the past, like 27 3 1985',
};

type SearchBy = 'crn' | 'pnc' | 'name';

const ROSH_LEVELS = Object.entries(ROSH_WORDS).map(([l, meaning]) => ({ text: LEVEL_TEXT[l], meaning }));

/**
 * Find a person (IOM officers and offender managers) and the IOM cohort (police IOM officers).
 * Each asks the same queries as POST /people/search and GET /cohorts/{force}/members with the
 * principal the person acts as, so who is named, what is shown and what is logged are the API's.
 * A search releases no case data: whether the person may read the summary, and how to ask if not.
 */
@Public()
@ApiExcludeController()
@Controller()
export class FindAPersonController {
  private readonly kit: PageKit;

  constructor(
    private readonly queries: QueryBus,
    private readonly orgs: OrganisationDirectory,
    people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.kit = new PageKit(people, config.demo);
  }

  @Get('find-a-person')
  async searchForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    if (!mayFind(person)) return this.kit.wrongRole(reply, 'look for people');
    this.form(reply, 200, person, {}, []);
  }

  @Post('find-a-person')
  @Consumes(FORM)
  async search(@Req() req: FastifyRequest, @Body() raw: unknown, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    if (!mayFind(person)) return this.kit.wrongRole(reply, 'look for people');
    if (!person.formCameFromSession(raw))
      return this.kit.formNotFromSession(reply, { href: '/find-a-person', text: 'Open the page again' });
    const body = formOf(raw);
    const read = searchOf(body);
    const errors: FieldError[] = Array.isArray(read.search) ? read.search : [];
    const purpose = body.purpose;
    if (!isPurpose(purpose)) errors.push({ field: 'purpose', message: 'Choose why you need to find this person' });
    const reason = reasonOf(body);
    if (typeof reason !== 'string') errors.push(reason);
    if (errors.length || Array.isArray(read.search) || !isPurpose(purpose) || typeof reason !== 'string')
      return this.form(reply, 400, person, body, errors);
    const found = await this.queries.execute(new SearchPeopleQuery(person.principal(reason), read.search, purpose));
    this.kit.send(reply, 200, 'find-a-person-results.njk', {
      title: found.results.length ? 'People you may know of' : 'No person found',
      ...(await this.resultsView(found, read.search)),
    });
  }

  @Get('cohort')
  async cohortForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    const force = cohortForceOf(person);
    if (!force) return this.kit.wrongRole(reply, "see your force's IOM cohort");
    this.cohortPage(reply, 200, person, force, '', []);
  }

  @Post('cohort')
  @Consumes(FORM)
  async cohort(@Req() req: FastifyRequest, @Body() raw: unknown, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply);
    if (!person) return;
    const force = cohortForceOf(person);
    if (!force) return this.kit.wrongRole(reply, "see your force's IOM cohort");
    if (!person.formCameFromSession(raw))
      return this.kit.formNotFromSession(reply, { href: '/cohort', text: 'Open the page again' });
    const body = formOf(raw);
    const reason = reasonOf(body);
    if (typeof reason !== 'string')
      return this.cohortPage(reply, 400, person, force, typeof body.reason === 'string' ? body.reason : '', [reason]);
    const cohort = await this.queries.execute(new ListCohortQuery(person.principal(reason), force, 'IOM'));
    this.kit.send(reply, 200, 'cohort.njk', {
      title: 'Your force’s IOM cohort',
      force: titleCase(force),
      members: await this.membersView(cohort),
      roshLevels: ROSH_LEVELS,
      listed: true,
      formToken: person.formToken,
      reason: '',
      errorList: [],
      errors: { reason: false },
    });
  }

  private form(
    reply: FastifyReply,
    status: number,
    person: SignedInPerson,
    body: Record<string, unknown>,
    errors: FieldError[],
  ): void {
    const { errorList, messages } = errorsFor(errors, SEARCH_FIELDS, DATE_ANCHOR);
    const value = (k: string) => (typeof body[k] === 'string' ? body[k] : '');
    this.kit.send(reply, status, 'find-a-person.njk', {
      title: errors.length ? 'Error: Find a person' : 'Find a person',
      formToken: person.formToken,
      errorList,
      errors: messages,
      values: {
        searchBy: value('searchBy'),
        crn: value('crn'),
        pnc: value('pnc'),
        givenName: value('givenName'),
        familyName: value('familyName'),
        day: value('dateOfBirth-day'),
        month: value('dateOfBirth-month'),
        year: value('dateOfBirth-year'),
        purpose: value('purpose'),
        reason: value('reason'),
      },
      purposes: PURPOSES.map((p) => ({ value: p, text: PURPOSE_WORDS[p].text, hint: { text: PURPOSE_WORDS[p].hint } })),
    });
  }

  private cohortPage(
    reply: FastifyReply,
    status: number,
    person: SignedInPerson,
    force: string,
    reason: string,
    errors: FieldError[],
  ): void {
    const { errorList, messages } = errorsFor(errors, ['reason']);
    this.kit.send(reply, status, 'cohort.njk', {
      title: errors.length ? 'Error: Your force’s IOM cohort' : 'Your force’s IOM cohort',
      force: titleCase(force),
      members: [],
      roshLevels: ROSH_LEVELS,
      listed: false,
      formToken: person.formToken,
      reason,
      errorList,
      errors: messages,
    });
  }

  private async resultsView(found: PersonSearchResponse, search: PersonSearch) {
    return {
      purpose: PURPOSE_WORDS[found.purpose].text,
      searchedBy: describeSearch(search),
      askHref: search.by === 'crn' ? `/requests/new?crn=${search.crn}` : '/requests/new',
      results: await Promise.all(
        found.results.map(async (r) => ({
          crn: r.crn,
          managingOrg: await this.orgName(r.managingOrg),
          // The search already told the person who manages the case: "ask for more" asks them.
          askHref: `/requests/new?crn=${r.crn}&provider=${encodeURIComponent(r.managingOrg)}`,
          maySeeSummary: r.maySeeSummary,
        })),
      ),
    };
  }

  private async membersView(cohort: CohortResponse) {
    return Promise.all(
      cohort.members.map(async (m) => ({
        crn: m.crn,
        managingOrg: await this.orgName(m.managingOrg),
        maySeeSummary: m.maySeeSummary,
        rosh: m.roshLevel ? { text: LEVEL_TEXT[m.roshLevel] ?? m.roshLevel } : false,
        assessedAt: m.assessedAt ? ukDay(m.assessedAt) : false,
        assessedAtWithheld: m.fieldsWithheld.includes('assessedAt'),
      })),
    );
  }

  private async orgName(id: string): Promise<string> {
    return (await this.orgs.get(id))?.name ?? id;
  }
}

/** The API route's roles for a person: IOM officers and offender managers look for people. */
function mayFind(person: SignedInPerson): boolean {
  return person.hasRole('iom-officer', 'offender-manager');
}

/**
 * The force whose cohort a police IOM officer sees: their organisation's (`police-<force>`);
 * null for anyone else, and for a person whose `force` attribute names another force.
 */
function cohortForceOf(person: SignedInPerson): string | null {
  const s = person.session;
  if (s.orgKind !== 'POLICE' || !person.hasRole('iom-officer') || !s.org.startsWith('police-')) return null;
  const force = s.org.slice('police-'.length);
  const claimed = s.attributes.force;
  return claimed === undefined || claimed === force ? force : null;
}

/** The search the form asks for (only the fields of the way chosen), or the errors naming its fields. */
function searchOf(body: Record<string, unknown>): { search: PersonSearch | FieldError[] } {
  const by = body.searchBy as SearchBy | undefined;
  if (by !== 'crn' && by !== 'pnc' && by !== 'name')
    return {
      search: [{ field: 'searchBy', message: 'Choose how to search: CRN, PNC number, or name and date of birth' }],
    };
  const empty = (k: string) => typeof body[k] !== 'string' || !body[k].trim();
  if (by !== 'name' && empty(by))
    return { search: [{ field: by, message: by === 'crn' ? 'Enter a CRN' : 'Enter a PNC number' }] };
  const input =
    by === 'name'
      ? { givenName: body.givenName ?? '', familyName: body.familyName ?? '', dateOfBirth: dateOf(body) }
      : { [by]: body[by] };
  const search = personSearchOf(input);
  if (!Array.isArray(search)) return { search };
  return { search: search.map((e) => ({ field: e.field, message: SEARCH_MESSAGES[e.field] ?? e.message })) };
}

/** The GOV.UK date input's three parts as YYYY-MM-DD ('invalid' when a part is not a number). */
function dateOf(body: Record<string, unknown>): string {
  const part = (k: string) =>
    typeof body[`dateOfBirth-${k}`] === 'string' ? (body[`dateOfBirth-${k}`] as string).trim() : '';
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

function describeSearch(s: PersonSearch): string {
  if (s.by === 'crn') return `CRN ${s.crn}`;
  if (s.by === 'pnc') return `PNC number ${s.pnc}`;
  return `${s.givenName} ${s.familyName}, born ${ukDay(`${s.dateOfBirth}T12:00:00Z`).text}`;
}

function titleCase(slug: string): string {
  return slug
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
