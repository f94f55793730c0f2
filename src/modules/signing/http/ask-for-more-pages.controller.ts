import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { DATA_CATEGORIES, PURPOSES } from '@shared/domain/vocabulary.js';
import { DomainException, statusOf } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import { ListAgreementsQuery, type AgreementResponse } from '@modules/agreements/index.js';
import {
  EXCHANGE_REQUEST_TYPE,
  MAX_REQUEST_AGE_S,
  IAT_REFUSAL,
  requestJustification,
  SubmitExchangeRequestCommand,
  unverifiedClaims,
} from '@modules/exchange/index.js';
import { ListPersonKeysQuery, OrganisationDirectory, type PersonKeyResponse } from '@modules/organisations/index.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { CATEGORY_NAMES, PURPOSE_NAMES } from '../domain/agreement-diff.js';
import { readDraft, type DraftError, type ExchangeDraft } from '../domain/exchange-draft.js';
import { FORM } from '@shared/http/form-body.js';
import { PageKit, field, type PageError } from './page-kit.js';

const ROLES = ['iom-officer', 'offender-manager'] as const;
const CRN = /^[A-Z][0-9]{6}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Where each field's error summary entry links. */
const FIELD_IDS: Record<string, string> = {
  crn: 'crn',
  provider: 'provider',
  purpose: 'purpose',
  dataCategories: `category-${DATA_CATEGORIES[0]}`,
  justification: 'justification',
  urgency: 'urgency',
};

/**
 * "Ask for more": an officer's exchange request. The form is checked field by field; the gateway
 * then lays out the request document (docs/api.md's claims, with the agreement in force between
 * the two organisations for that purpose), the person signs exactly those bytes in the browser
 * with their approved personal key (or pastes a JWS their organisation's tool made), and it goes
 * through the same SubmitExchangeRequestCommand as POST /exchange-requests, with the same checks
 * and log entry. Nothing here reads the case: whether the CRN exists is the API's to answer,
 * exactly as it answers a signed request.
 */
@Public()
@ApiExcludeController()
@Controller('requests/new')
export class AskForMorePagesController {
  private readonly kit: PageKit;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly orgs: OrganisationDirectory,
    people: SignedInPeople,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.kit = new PageKit(people, config.demo);
  }

  /** `provider` pre-selects whom to ask: a page that showed the case's managing organisation links here with it. */
  @Get()
  async form(
    @Req() req: FastifyRequest,
    @Query('crn') crn: unknown,
    @Query('provider') provider: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    const text = typeof crn === 'string' ? crn.trim().toUpperCase() : '';
    const errors =
      text && !CRN.test(text) ? [{ field: 'crn', message: 'Enter a CRN: one capital letter and six digits' }] : [];
    await this.renderForm(reply, person, errors.length ? 400 : 200, errors, {
      crn: text,
      provider: typeof provider === 'string' ? provider : '',
      purpose: '',
      dataCategories: [],
      justification: '',
      urgency: 'ROUTINE',
    });
  }

  /** Checks the form and shows the request document to sign. */
  @Post()
  @Consumes(FORM)
  async prepare(@Req() req: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    if (!person.formCameFromSession(body)) return this.kit.formNotFromSession(reply);
    const providers = await this.providers(person);
    const { draft, errors } = readDraft(
      (n) => field(body, n),
      providers.map((p) => p.id),
    );
    if (!errors.length) {
      const agreement = await this.agreementFor(person, draft);
      if (!agreement)
        errors.push({
          field: 'provider',
          message: `No agreement in force between your organisation and this provider covers ${PURPOSE_NAMES[draft.purpose] ?? draft.purpose}`,
        });
      else return this.renderCheck(reply, person, draft, agreement, 200, []);
    }
    await this.renderForm(reply, person, 400, errors, draft);
  }

  /** Submits the signed request document; on success, to the request's own page. */
  @Post('submit')
  @Consumes(FORM)
  async submit(@Req() req: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    if (!person.formCameFromSession(body)) return this.kit.formNotFromSession(reply);
    const jws = field(body, 'jws').trim();
    const crn = field(body, 'crn');
    if (!COMPACT_JWS.test(jws))
      return this.refusedSubmission(reply, 400, crn, [
        {
          text: jws
            ? 'The signature must be a compact JWS: three base64url parts separated by dots'
            : 'Sign the request with your key, or paste the request your organisation’s tool signed',
          href: '#jws',
        },
      ]);
    // The person's reason is the justification they wrote into the request they signed.
    const justification = requestJustification(jws);
    if (!justification)
      return this.refusedSubmission(reply, 400, crn, [
        {
          text: 'The signed request could not be read, or gives no reason why: paste the whole request your tool signed',
          href: '#jws',
        },
      ]);
    let id: string;
    try {
      const principal = person.principal(justification);
      ({ id } = await this.commands.execute(new SubmitExchangeRequestCommand(principal, jws)));
    } catch (e) {
      if (!(e instanceof DomainException) || statusOf(e.kind).status >= 500) throw e;
      // A request refused for what it says (most often signed more than the minutes allowed ago)
      // comes back as the form, filled in as the person left it, to check and sign again.
      const draft = e.kind === 'invalid' ? draftIn(jws) : null;
      if (draft)
        return this.renderForm(
          reply,
          person,
          400,
          (e.options.errors?.length ? e.options.errors : [{ field: '', message: e.detail }]).map((f) => ({
            field: '',
            message: plainRefusal(f.field, f.message),
          })),
          draft,
        );
      const list = e.options.errors?.length ? e.options.errors.map((f) => `${f.field}: ${f.message}`) : [e.detail];
      return this.refusedSubmission(
        reply,
        statusOf(e.kind).status,
        crn,
        list.map((text) => ({ text, href: '#jws' })),
      );
    }
    await reply.header('cache-control', 'no-store').redirect(`/requests/${id}`, 303);
  }

  private async providers(person: SignedInPerson) {
    return (await this.orgs.list()).filter(
      (o) => o.id !== person.session.org && o.kind !== 'GATEWAY' && o.status === 'ACTIVE',
    );
  }

  /**
   * The agreement in force that lets `draft.provider` give this person's organisation data for
   * the purpose; the one covering the most of the asked categories when several do. Whether it
   * covers them all is the API's decision on submission (a request it does not cover is refused).
   */
  private async agreementFor(person: SignedInPerson, draft: ExchangeDraft): Promise<AgreementResponse | null> {
    const me = person.session.org;
    const all: AgreementResponse[] = await this.queries.execute(
      new ListAgreementsQuery(person.principal(), { status: 'ACTIVE' }),
    );
    const gives = (a: AgreementResponse, org: string, role: string) =>
      a.parties.some((p) => p.org === org && (p.role === role || p.role === 'BOTH'));
    const candidates = all.filter(
      (a) => gives(a, draft.provider, 'PROVIDER') && gives(a, me, 'RECIPIENT') && a.purposes.includes(draft.purpose),
    );
    const covered = (a: AgreementResponse) => draft.dataCategories.filter((c) => a.dataCategories.includes(c)).length;
    return candidates.sort((x, y) => covered(y) - covered(x))[0] ?? null;
  }

  private async renderForm(
    reply: FastifyReply,
    person: SignedInPerson,
    status: number,
    errors: DraftError[],
    draft: ExchangeDraft,
  ): Promise<void> {
    const providers = await this.providers(person);
    const byField = Object.fromEntries(errors.map((e) => [e.field, { text: e.message }]));
    this.kit.send(reply, status, 'ask-for-more.njk', {
      title: `${errors.length ? 'Error: ' : ''}Ask for more information`,
      errors: errors.map((e) => ({ text: e.message, href: `#${FIELD_IDS[e.field] ?? e.field}` })),
      fieldErrors: {
        crn: false,
        provider: false,
        purpose: false,
        dataCategories: false,
        justification: false,
        urgency: false,
        ...byField,
      },
      formToken: person.formToken,
      draft,
      providers: [
        { value: '', text: 'Choose an organisation' },
        ...providers.map((o) => ({ value: o.id, text: o.name, selected: o.id === draft.provider })),
      ],
      purposes: PURPOSES.map((p) => ({ value: p, text: PURPOSE_NAMES[p] ?? p, checked: draft.purpose === p })),
      categories: DATA_CATEGORIES.map((c) => ({
        name: `category-${c}`,
        id: `category-${c}`,
        value: 'on',
        text: CATEGORY_NAMES[c] ?? c,
        checked: draft.dataCategories.includes(c),
      })),
      urgencies: [
        {
          value: 'ROUTINE',
          text: 'Routine',
          hint: { text: 'Answered within 10 working days' },
          checked: draft.urgency === 'ROUTINE',
        },
        {
          value: 'URGENT',
          text: 'Urgent (a recall)',
          hint: { text: 'Answered within 24 hours' },
          checked: draft.urgency === 'URGENT',
        },
      ],
    });
  }

  private async renderCheck(
    reply: FastifyReply,
    person: SignedInPerson,
    draft: ExchangeDraft,
    agreement: AgreementResponse,
    status: number,
    errors: PageError[],
  ): Promise<void> {
    const p = person.principal();
    const claims = {
      iss: p.org,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      provider: draft.provider,
      crn: draft.crn,
      purpose: draft.purpose,
      dataCategories: draft.dataCategories,
      justification: draft.justification,
      urgency: draft.urgency,
      agreementId: agreement.id,
    };
    const document = JSON.stringify(claims);
    const keys: PersonKeyResponse[] = await this.queries.execute(new ListPersonKeysQuery(p, p.org, true));
    const usable = keys.filter(
      (k) =>
        k.status === 'ACTIVE' &&
        person.hasRole(k.role as (typeof ROLES)[number]) &&
        ROLES.includes(k.role as (typeof ROLES)[number]),
    );
    this.kit.send(reply, status, 'ask-for-more-check.njk', {
      title: `${errors.length ? 'Error: ' : ''}Check and sign your request`,
      errors,
      formToken: person.formToken,
      crn: draft.crn,
      provider: (await this.orgs.get(draft.provider))?.name ?? draft.provider,
      purpose: PURPOSE_NAMES[draft.purpose] ?? draft.purpose,
      categories: draft.dataCategories.map((c) => CATEGORY_NAMES[c] ?? c),
      justification: draft.justification,
      urgency:
        draft.urgency === 'URGENT'
          ? 'Urgent (a recall): answered within 24 hours'
          : 'Routine: answered within 10 working days',
      agreement: agreement.title,
      document,
      payload: Buffer.from(document, 'utf8').toString('base64url'),
      typ: EXCHANGE_REQUEST_TYPE,
      minutes: Math.floor(MAX_REQUEST_AGE_S / 60),
      kids: usable.map((k) => k.kid).join(' '),
      hasKey: usable.length > 0,
    });
  }

  private refusedSubmission(reply: FastifyReply, status: number, crn: string, errors: PageError[]): void {
    this.kit.send(reply, status, 'ask-for-more-refused.njk', {
      title: 'Error: Your request was not sent',
      errors,
      again: CRN.test(crn) ? `/requests/new?crn=${crn}` : '/requests/new',
    });
  }
}

/** The draft a refused request document carries, unverified: the person's own words, to fill the form again. */
function draftIn(jws: string): ExchangeDraft | null {
  const c = unverifiedClaims(jws);
  if (!c) return null;
  const text = (k: string) => (typeof c[k] === 'string' ? c[k] : '');
  return {
    crn: text('crn'),
    provider: text('provider'),
    purpose: text('purpose'),
    dataCategories: Array.isArray(c.dataCategories) ? c.dataCategories.filter((x) => typeof x === 'string') : [],
    justification: text('justification'),
    urgency: c.urgency === 'URGENT' ? 'URGENT' : 'ROUTINE',
  };
}

/** A refusal of a signed request in words for the person who signed it, with what to do next. */
function plainRefusal(field: string, message: string): string {
  if (field === 'iat' && message === IAT_REFUSAL.old)
    return `Your request was signed more than ${Math.floor(MAX_REQUEST_AGE_S / 60)} minutes before it was sent, so it was not sent. Check it below, continue, and sign it again.`;
  if (field === 'iat' && message === IAT_REFUSAL.future)
    return 'The clock of the device that signed your request is ahead of the gateway’s, so it was not sent. Check the device’s time, then continue and sign again.';
  return field ? `${field}: ${message}. Check the request below, continue, and sign it again.` : message;
}
