/** Published after an organisation's key set changed, so caches drop the old keys at once. */
export class OrganisationKeysRotatedEvent {
  constructor(
    readonly orgId: string,
    readonly added: string[],
    readonly revoked: string[],
  ) {}
}
