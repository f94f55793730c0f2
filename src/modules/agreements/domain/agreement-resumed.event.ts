/** A suspended agreement covers sharing again. */
export class AgreementResumedEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    readonly byOrg: string,
    readonly reason: string,
    readonly at: Date,
  ) {}
}
