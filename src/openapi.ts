import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_SCHEMAS } from '@shared/http/api-problems.js';

/** Every tag the controllers use, with what it groups (redocly.yaml requires each tag declared and described). */
const TAGS: [name: string, description: string][] = [
  ['operations', 'Health, Prometheus metrics and the gateway’s public signing keys.'],
  [
    'organisations',
    'The registry of partner organisations (NPS regions, CRCs, police forces, the operator) and their public keys.',
  ],
  [
    'cases',
    'Case records and OASys-style assessments pushed by the managing organisation; purpose-bound reads and summaries; transfers between CRC and NPS; rectification, erasure and restriction by the managing organisation; policy explanations.',
  ],
  [
    'people',
    'Finding people: person search by PNC ID or name and date of birth, and police forces’ IOM cohort lists. Each person is decided as a summary read would be; one the caller may not know of is absent, as if unknown.',
  ],
  [
    'retention',
    "The retention schedule's dry-run report for IG: what the retention job would erase, and when (README, Retention).",
  ],
  [
    'agreements',
    'Data-sharing agreements: drafting, signing by every party, versions, suspension, resumption, termination.',
  ],
  [
    'exchange-requests',
    'Signed record-exchange requests between organisations, their decision, and the signed response bundle.',
  ],
  [
    'access-log',
    'The append-only, tamper-evident access log: IG search and export, subject access reports, signed checkpoints, RFC 9162 inclusion and consistency proofs.',
  ],
  [
    'log',
    'The access log in the C2SP formats: signed-note checkpoints cosigned by witnesses, the verifier key and hash tiles (public), and the witnesses’ status.',
  ],
  [
    'events',
    'Thin CloudEvents about cases, agreements and exchange requests: webhook subscriptions signed per Standard Webhooks, dead-letter replay, and a pull feed.',
  ],
  ['IG console', 'Sign-in to the information-governance console served at /ig.'],
  [
    'ig-records',
    'The breach register of an organisation’s IG (DPA 2018 s.67, UK GDPR art. 33): personal data breaches, their 72-hour ICO clock and every change, append-only.',
  ],
];

const DESCRIPTION = [
  'Cases are shared only under signed data-sharing agreements, for a stated purpose, with only the fields the purpose needs; every access is written to a tamper-evident log first.',
  'Every request except those marked with no security requirement (`security: []`) carries a signed request token: `Authorization: Bearer <JWT>`, typ `gw-request+jwt`, ES256 or EdDSA, bound to the method, path and body (see docs/api.md in the repository, *Authentication*).',
  'Errors are `application/problem+json` (RFC 9457) with a `type` of the form `urn:probation-gateway:problem:<code>`.',
].join('\n\n');

/**
 * The OpenAPI document of the gateway, built from the controllers' decorators. The gateway
 * serves it at /docs-json and `npm run lint:openapi` lints the same document.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Probation information-sharing gateway')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addServer('/', 'The gateway that serves this document')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT (typ gw-request+jwt, ES256 or EdDSA)',
        description: 'A signed request token of the calling organisation',
      },
      'signed-request',
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const config = builder.build();
  // The project is private: no licence is granted, and there is no licence text to link to.
  config.info.license = { name: 'UNLICENSED' };
  const doc = SwaggerModule.createDocument(app, config);
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...PROBLEM_SCHEMAS } };
  return doc;
}
