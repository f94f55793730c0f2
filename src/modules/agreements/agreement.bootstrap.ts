import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Principal } from '@shared/auth/principal.js';
import type { OrgKind, Role } from '@shared/auth/roles.js';
import { flattenValidationErrors } from '@shared/errors/index.js';
import { AgreementTermsDto } from './commands/draft-agreement/agreement-terms.dto.js';
import { DraftAgreementCommand } from './commands/draft-agreement/draft-agreement.command.js';
import { SignAgreementCommand } from './commands/sign-agreement/sign-agreement.command.js';
import { AGREEMENT_REPOSITORY, type AgreementRepository } from './domain/agreement.repository.port.js';
import type { AgreementStatus } from './domain/agreement-terms.js';

/** Terms as plain JSON, in the shape of POST /agreements. */
export type AgreementTermsInput = Record<string, unknown>;

/**
 * Start-up tasks (the demo seed): drafts and signatures go through the same commands, rules
 * and access log as HTTP calls, with a system actor of the organisation concerned.
 */
@Injectable()
export class AgreementBootstrap {
  constructor(
    private readonly commands: CommandBus,
    @Inject(AGREEMENT_REPOSITORY) private readonly repo: AgreementRepository,
  ) {}

  async state(
    id: string,
  ): Promise<{ status: AgreementStatus; version: number; document: string; awaitingSignatures: string[] } | null> {
    const a = await this.repo.findById(id);
    return a
      ? {
          status: a.statusAt(new Date()),
          version: a.version,
          document: a.current.document,
          awaitingSignatures: a.awaitingSignatures(),
        }
      : null;
  }

  /** Drafts as the operator's gateway-admin; the input is validated exactly as POST /agreements validates it. */
  async draftAsOperator(id: string, input: AgreementTermsInput, sub: string): Promise<void> {
    const dto = plainToInstance(AgreementTermsDto, input);
    const errors = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
    if (errors.length)
      throw new Error(`invalid agreement terms for ${id}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    await this.commands.execute(
      new DraftAgreementCommand(system('gateway', 'GATEWAY', sub, ['gateway-admin']), dto, id),
    );
  }

  /** Posts a signature for `org`, as its dsa-signatory would. */
  async signAs(org: string, orgKind: OrgKind, id: string, jws: string, sub: string): Promise<void> {
    await this.commands.execute(new SignAgreementCommand(system(org, orgKind, sub, ['dsa-signatory']), id, jws));
  }
}

function system(org: string, orgKind: OrgKind, sub: string, roles: Role[]): Principal {
  return {
    org,
    orgKind,
    sub,
    roles,
    claimedRoles: roles,
    attrs: {},
    reason: 'demo data seed',
    breakGlass: false,
    jti: randomUUID(),
    requestId: `seed-${randomUUID()}`,
  };
}
