/** Every party has signed the current version: it is in force (from validFrom) and may cover sharing. */
export class AgreementActivatedEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    readonly parties: readonly string[],
    readonly at: Date,
  ) {}
}
