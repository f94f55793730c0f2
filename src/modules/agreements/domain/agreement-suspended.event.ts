/** Sharing under the agreement stopped until it is resumed; the coverage query already ignores it. */
export class AgreementSuspendedEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    readonly byOrg: string,
    readonly reason: string,
    readonly at: Date,
  ) {}
}
