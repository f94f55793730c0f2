/** The agreement has ended for good: nothing may flow under it, and open requests made under it must be refused. */
export class AgreementTerminatedEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    readonly byOrg: string,
    readonly reason: string,
    readonly at: Date,
  ) {}
}
