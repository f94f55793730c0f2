/**
 * Function-level authorisation, written down: for each route of /docs-json, the roles (one at a
 * time) and kinds of organisation it lets past authentication and role checks, i.e. whose call
 * gets anything but 401 or 403 with a well-formed signed token. Object-level rules (whose case,
 * which agreement) come after and are tested separately. Read it against docs/api.md: e.g. only a
 * `system` may write cases (PUT /cases/{crn} lets a police `system` past the role check; the
 * managing-organisation rule then refuses it), only `ig-reviewer` reads the log, and only the
 * operator's `gateway-admin` registers organisations or reads metrics.
 */
const ANYONE = [
  'system',
  'offender-manager',
  'iom-officer',
  'mappa-coordinator',
  'data-owner',
  'dsa-signatory',
  'ig-reviewer',
  'gateway-admin',
]
  .map((r) => `${r}:NPS,CRC,POLICE,GATEWAY`)
  .join(' ');

export const EXPECTED_ACCESS: Record<string, string> = {
  'GET /health': ANYONE,
  'GET /metrics': 'gateway-admin:GATEWAY',
  'GET /.well-known/jwks.json': ANYONE,
  'GET /organisations': ANYONE,
  'POST /organisations': 'gateway-admin:GATEWAY',
  'PUT /organisations/{id}/keys': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /organisations/{id}/keys': ANYONE,
  'DELETE /organisations/{id}/ig-sessions': 'gateway-admin:GATEWAY',
  // An organisation's identity provider: its own system, or the operator.
  'PUT /organisations/{id}/identity-provider': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /organisations/{id}/identity-provider': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'DELETE /organisations/{id}/identity-provider': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  // Personal keys: only the organisation's own system approves; it or the operator lists and revokes.
  'GET /organisations/{id}/person-keys': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'POST /organisations/{id}/person-keys/{kid}/approve': 'system:NPS,CRC,POLICE',
  'POST /organisations/{id}/person-keys/{kid}/revoke': 'system:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /access-log': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /access-log/export.csv': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /access-log/entries/{index}': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /access-log/entries/{index}/proof': ANYONE,
  'GET /access-log/consistency': ANYONE,
  'GET /access-log/checkpoints/latest': ANYONE,
  'GET /access-log/checkpoints/{treeSize}': ANYONE,
  'POST /access-log/checkpoints': 'system:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  'GET /subjects/{crn}/access-report': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  // The witnessed log (C2SP): checkpoints, the note key and tiles are public; witness state is IG's.
  'GET /log/checkpoint': ANYONE,
  'GET /log/key': ANYONE,
  'GET /log/tile/{path}': ANYONE,
  'GET /log/witnesses': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  // Events: a partner system manages its own organisation's subscriptions and reads its feed.
  'POST /subscriptions': 'system:NPS,CRC,POLICE',
  'GET /subscriptions': 'system:NPS,CRC,POLICE',
  'DELETE /subscriptions/{id}': 'system:NPS,CRC,POLICE',
  'POST /subscriptions/{id}/replay': 'system:NPS,CRC,POLICE',
  'GET /events': 'system:NPS,CRC,POLICE',
  'POST /agreements': 'dsa-signatory:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /agreements': ANYONE,
  'GET /agreements/{id}': ANYONE,
  'PUT /agreements/{id}': 'dsa-signatory:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'POST /agreements/{id}/submit': 'dsa-signatory:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /agreements/{id}/document': ANYONE,
  'GET /agreements/{id}/versions': ANYONE,
  'GET /agreements/{id}/versions/{version}': ANYONE,
  'GET /agreements/{id}/versions/{version}/document': ANYONE,
  'POST /agreements/{id}/signatures': 'dsa-signatory:NPS,CRC,POLICE',
  'POST /agreements/{id}/suspend':
    'dsa-signatory:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  'POST /agreements/{id}/resume':
    'dsa-signatory:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  'POST /agreements/{id}/terminate': 'dsa-signatory:NPS,CRC,POLICE gateway-admin:GATEWAY',
  'GET /cases/escalations': 'system:NPS,CRC,POLICE offender-manager:NPS,CRC',
  'PUT /cases/{crn}': 'system:NPS,CRC,POLICE',
  'GET /cases/{crn}': 'system:NPS,CRC offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE',
  'PUT /cases/{crn}/assessments/{assessmentId}': 'system:NPS,CRC,POLICE',
  'GET /cases/{crn}/summary': 'system:NPS,CRC offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE',
  'POST /cases/{crn}/transfers': 'system:NPS,CRC,POLICE offender-manager:NPS,CRC',
  'POST /cases/{crn}/transfers/{id}/accept': 'system:NPS,CRC,POLICE offender-manager:NPS,CRC',
  'POST /cases/{crn}/rectifications': 'system:NPS,CRC,POLICE data-owner:NPS,CRC,POLICE',
  'POST /cases/{crn}/erasure': 'system:NPS,CRC,POLICE data-owner:NPS,CRC,POLICE',
  'PUT /cases/{crn}/restriction': 'system:NPS,CRC,POLICE data-owner:NPS,CRC,POLICE',
  'DELETE /cases/{crn}/restriction': 'system:NPS,CRC,POLICE data-owner:NPS,CRC,POLICE',
  // Finding people: the searching roles, then (like a read) only kinds whose roles may read case data.
  // (A police system with a malformed search body gets its 400 before the policy's 403.)
  'POST /people/search': 'system:NPS,CRC,POLICE offender-manager:NPS,CRC iom-officer:POLICE',
  'GET /cohorts/{force}/members': 'system:NPS,CRC offender-manager:NPS,CRC iom-officer:POLICE',
  'GET /retention/report': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  'POST /policies/explain': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY gateway-admin:GATEWAY',
  'POST /exchange-requests':
    'system:NPS,CRC,POLICE offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE data-owner:NPS,CRC,POLICE',
  'GET /exchange-requests':
    'system:NPS,CRC,POLICE offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE data-owner:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /exchange-requests/{id}':
    'system:NPS,CRC,POLICE offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE data-owner:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'POST /exchange-requests/{id}/decision': 'data-owner:NPS,CRC,POLICE',
  'GET /exchange-requests/{id}/response':
    'system:NPS,CRC,POLICE offender-manager:NPS,CRC iom-officer:POLICE mappa-coordinator:NPS,POLICE data-owner:NPS,CRC,POLICE ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'POST /ig/session': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  // The breach register: each organisation's IG, its own breaches only.
  'POST /breaches': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /breaches': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'GET /breaches/{id}': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
  'POST /breaches/{id}/changes': 'ig-reviewer:NPS,CRC,POLICE,GATEWAY',
};
