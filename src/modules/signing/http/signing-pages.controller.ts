import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import { DomainException, statusOf } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import {
  GetAgreementDocumentQuery,
  GetAgreementQuery,
  GetAgreementVersionQuery,
  ListAgreementsQuery,
  SignAgreementCommand,
  type AgreementResponse,
} from '@modules/agreements/index.js';
import { ListPersonKeysQuery, OrganisationDirectory, type PersonKeyResponse } from '@modules/organisations/index.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { describeChanges, readable } from '../domain/agreement-diff.js';
import { FORM } from '@shared/http/form-body.js';
import { PageKit, field, type PageError } from './page-kit.js';

const ROLES = ['dsa-signatory'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The signatory's pages: agreements awaiting their organisation's signature, one agreement in
 * words with what changed since the version before, and signing it. A signature is a JWS over
 * exactly the document bytes of the current version (GET /agreements/{id}/document), made in the
 * browser with the signatory's approved personal key or pasted from the organisation's own tool,
 * and goes through the same SignAgreementCommand as POST /agreements/{id}/signatures.
 */
@Public()
@ApiExcludeController()
@Controller('signing')
export class SigningPagesController {
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

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    const org = person.session.org;
    const all: AgreementResponse[] = await this.queries.execute(new ListAgreementsQuery(person.principal(), {}));
    const awaiting = all.filter(
      (a) => ['DRAFT', 'PENDING_SIGNATURES'].includes(a.status) && a.awaitingSignatures.includes(org),
    );
    const names = await this.names(awaiting.flatMap((a) => a.parties.map((p) => p.org)));
    this.kit.send(reply, 200, 'signing-list.njk', {
      title: 'Agreements to sign',
      organisation: person.session.orgName,
      agreements: awaiting.map((a) => ({
        href: `/signing/${a.id}`,
        title: a.title,
        version: a.version,
        amendment: a.version > 1,
        parties: a.parties.map((p) => names(p.org)).join(', '),
        awaiting: a.awaitingSignatures.map(names).join(', '),
      })),
    });
  }

  @Get(':id')
  async show(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Query('signed') signed: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (person) await this.render(reply, person, id, 200, [], signed === '1');
  }

  /** The exact bytes to sign, for the organisation's own tool (GET /agreements/{id}/document's answer). */
  @Get(':id/document')
  async document(@Req() req: FastifyRequest, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    if (!UUID.test(id)) return this.notFound(reply);
    try {
      const d = await this.queries.execute(new GetAgreementDocumentQuery(person.principal(), id));
      await reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="agreement-${id}-v${d.version}.json"`)
        .header('cache-control', 'no-store')
        .header('x-agreement-version', String(d.version))
        .header('x-document-sha256', d.sha256)
        .send(d.document);
    } catch (e) {
      this.refused(reply, e);
    }
  }

  @Post(':id')
  @Consumes(FORM)
  async sign(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const person = await this.kit.person(req, reply, ROLES);
    if (!person) return;
    if (!person.formCameFromSession(body)) return this.kit.formNotFromSession(reply);
    if (!UUID.test(id)) return this.notFound(reply);
    const jws = field(body, 'jws').trim();
    if (!COMPACT_JWS.test(jws))
      return this.render(reply, person, id, 400, [
        {
          text: jws
            ? 'The signature must be a compact JWS: three base64url parts separated by dots'
            : 'Sign with your key, or paste the signature your organisation’s tool made',
          href: '#jws',
        },
      ]);
    try {
      await this.commands.execute(new SignAgreementCommand(person.principal(), id, jws));
    } catch (e) {
      if (!(e instanceof DomainException) || e.kind === 'unavailable' || e.kind === 'not_found')
        return this.refused(reply, e);
      return this.render(reply, person, id, statusOf(e.kind).status, [{ text: e.detail, href: '#jws' }]);
    }
    await reply.header('cache-control', 'no-store').redirect(`/signing/${id}?signed=1`, 303);
  }

  private async render(
    reply: FastifyReply,
    person: SignedInPerson,
    id: string,
    status: number,
    errors: PageError[],
    signed = false,
  ): Promise<void> {
    if (!UUID.test(id)) return this.notFound(reply);
    const p = person.principal();
    let a: AgreementResponse;
    let document: { version: number; document: string };
    try {
      a = await this.queries.execute(new GetAgreementQuery(p, id));
      document = await this.queries.execute(new GetAgreementDocumentQuery(p, id, a.version));
    } catch (e) {
      return this.refused(reply, e);
    }
    const previous =
      a.version > 1 ? await this.queries.execute(new GetAgreementVersionQuery(p, id, a.version - 1)) : null;
    const names = await this.names([...a.parties, ...(previous?.parties ?? [])].map((x) => x.org));
    const keys: PersonKeyResponse[] = await this.queries.execute(new ListPersonKeysQuery(p, p.org, true));
    const org = person.session.org;
    this.kit.send(reply, status, 'signing-agreement.njk', {
      title: `${errors.length ? 'Error: ' : ''}${a.title}`,
      errors,
      signed,
      formToken: person.formToken,
      id: a.id,
      version: a.version,
      status: a.status,
      terms: readable(a, names),
      changes: previous ? describeChanges(previous, a, names) : null,
      previousVersion: previous?.version ?? null,
      signedBy: a.signatures.map((s) => names(s.org)),
      awaiting: a.awaitingSignatures.map(names),
      mayStillSign: ['DRAFT', 'PENDING_SIGNATURES'].includes(a.status) && a.awaitingSignatures.includes(org),
      payload: Buffer.from(document.document, 'utf8').toString('base64url'),
      kids: keys
        .filter((k) => k.status === 'ACTIVE' && k.role === 'dsa-signatory')
        .map((k) => k.kid)
        .join(' '),
      hasKey: keys.some((k) => k.status === 'ACTIVE' && k.role === 'dsa-signatory'),
    });
  }

  /** Organisation ids to names (an unknown id stays as it is). */
  private async names(ids: string[]): Promise<(id: string) => string> {
    const found = new Map<string, string>();
    for (const id of new Set(ids)) found.set(id, (await this.orgs.get(id))?.name ?? id);
    return (id) => found.get(id) ?? id;
  }

  private notFound(reply: FastifyReply): void {
    this.kit.problem(reply, 404, 'Agreement not found', 'No agreement with this id is available to you.');
  }

  private refused(reply: FastifyReply, e: unknown): void {
    if (e instanceof DomainException && e.kind === 'not_found') return this.notFound(reply);
    this.kit.refused(reply, e, 'This agreement cannot be shown');
  }
}
