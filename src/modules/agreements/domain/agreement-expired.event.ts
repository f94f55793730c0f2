/**
 * The agreement's validTo has passed. Published when the expiry watcher notices (within about a
 * minute); decisions never wait for it, because validity is checked at decision time.
 */
export class AgreementExpiredEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    readonly validTo: Date,
  ) {}
}
