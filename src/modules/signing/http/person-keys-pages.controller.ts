import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { Public } from '@shared/auth/decorators.js';
import type { Principal } from '@shared/auth/principal.js';
import type { Role } from '@shared/auth/roles.js';
import { ukTime } from '@shared/domain/plain-words.js';
import { DomainException } from '@shared/errors/index.js';
import { Consumes } from '@shared/http/consumes.js';
import {
  DecidePersonKeyCommand,
  ListPersonKeysQuery,
  PERSON_KEY_ROLES,
  RegisterPersonKeyCommand,
  type PersonKeyResponse,
} from '@modules/organisations/index.js';
import { SignedInPeople, type SignedInPerson } from '@modules/people/index.js';
import { FORM } from '@shared/http/form-body.js';
import { PageKit, field, pageErrors, type PageError } from './page-kit.js';

/** The roles that may hold a personal key (what each signs is PERSON_KEY_ROLES'). */
const KEY_ROLES = Object.keys(PERSON_KEY_ROLES) as Role[];
const KID = /^person-[A-Za-z0-9_-]{43}$/;

/**
 * A person's signing keys: make one in the browser (the page's script sends only the public
 * half), see whether the organisation approved it, revoke it. In demonstration mode a pending
 * key can be approved from the page as the organisation's system would approve it through
 * POST /organisations/{id}/person-keys/{kid}/approve (the same command).
 */
@Public()
@ApiExcludeController()
@Controller('signing/keys')
export class PersonKeysPagesController {
  private readonly kit: PageKit;

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    people: SignedInPeople,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.kit = new PageKit(people, config.demo);
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, KEY_ROLES);
    if (person) await this.render(reply, person, 200, []);
  }

  @Post()
  @Consumes(FORM)
  async register(@Req() req: FastifyRequest, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.kit.person(req, reply, KEY_ROLES);
    if (!person) return;
    if (!person.formCameFromSession(body)) return this.kit.formNotFromSession(reply);
    const text = field(body, 'jwk');
    let jwk: unknown;
    try {
      jwk = JSON.parse(text);
    } catch {
      return this.render(reply, person, 400, [
        {
          text: text
            ? 'The public key is not JSON: make the key again'
            : 'Making a key needs JavaScript in this browser: turn it on, or sign with your organisation’s own tool',
          href: '#make-key',
        },
      ]);
    }
    try {
      await this.commands.execute(
        new RegisterPersonKeyCommand(person.principal(), jwk, field(body, 'role'), person.session.name),
      );
    } catch (e) {
      if (!(e instanceof DomainException) || e.kind === 'unavailable') throw e;
      return this.render(reply, person, e.kind === 'conflict' ? 409 : 400, pageErrors(e, { role: 'role' }, 'make-key'));
    }
    await reply.header('cache-control', 'no-store').redirect('/signing/keys?registered=1', 303);
  }

  @Post(':kid/revoke')
  @Consumes(FORM)
  async revoke(
    @Req() req: FastifyRequest,
    @Param('kid') kid: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.decide(req, reply, body, kid, 'revoke', (p) => p.principal());
  }

  /** Demonstration only: the organisation's system approves, as its own tool would through the API. */
  @Post(':kid/demo-approve')
  @Consumes(FORM)
  async demoApprove(
    @Req() req: FastifyRequest,
    @Param('kid') kid: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!this.config.demo) return this.kit.problem(reply, 404, 'Page not found', 'There is no such page.');
    await this.decide(req, reply, body, kid, 'approve', (p) => demoSystemOf(p));
  }

  private async decide(
    req: FastifyRequest,
    reply: FastifyReply,
    body: unknown,
    kid: string,
    decision: 'approve' | 'revoke',
    actor: (p: SignedInPerson) => Principal,
  ): Promise<void> {
    const person = await this.kit.person(req, reply, KEY_ROLES);
    if (!person) return;
    if (!person.formCameFromSession(body)) return this.kit.formNotFromSession(reply);
    const mine = KID.test(kid) && (await this.myKeys(person)).some((k) => k.kid === kid);
    if (!mine) return this.kit.problem(reply, 404, 'Key not found', 'You have no signing key with this id.');
    try {
      await this.commands.execute(new DecidePersonKeyCommand(actor(person), person.session.org, kid, decision));
    } catch (e) {
      if (!(e instanceof DomainException) || e.kind === 'unavailable') throw e;
      return this.render(reply, person, 409, [{ text: e.detail, href: '#keys' }]);
    }
    await reply.header('cache-control', 'no-store').redirect('/signing/keys', 303);
  }

  private myKeys(person: SignedInPerson): Promise<PersonKeyResponse[]> {
    return this.queries.execute(new ListPersonKeysQuery(person.principal(), person.session.org, true));
  }

  private async render(reply: FastifyReply, person: SignedInPerson, status: number, errors: PageError[]) {
    const keys = await this.myKeys(person);
    const roles = KEY_ROLES.filter((r) => person.hasRole(r));
    this.kit.send(reply, status, 'keys.njk', {
      title: errors.length ? 'Error: Your signing keys' : 'Your signing keys',
      errors,
      formToken: person.formToken,
      organisation: person.session.orgName,
      demoApproval: this.config.demo,
      roles: roles.map((r) => ({
        value: r,
        text: `${r}: ${PERSON_KEY_ROLES[r] === 'agreement-signature' ? 'signs data-sharing agreements' : 'signs requests for information'}`,
      })),
      keys: keys.map((k) => ({
        kid: k.kid,
        role: k.role,
        status: k.status,
        registeredAt: ukTime(k.registeredAt).text,
        approvedAt: k.approvedAt ? ukTime(k.approvedAt).text : null,
        revokedAt: k.revokedAt ? ukTime(k.revokedAt).text : null,
      })),
    });
  }
}

/**
 * Demonstration mode only: the principal the demo organisation's system signs its requests as
 * (the demo seed holds every demo organisation's private key), so the demo needs no tool of its own.
 */
function demoSystemOf(person: SignedInPerson): Principal {
  const p = person.principal();
  return { ...p, sub: 'system:demo-key-approver', roles: ['system'], claimedRoles: ['system'], idp: undefined };
}
