/** Management of a case moved; from now on the new organisation's access applies. */
export class CaseTransferredEvent {
  constructor(
    readonly crn: string,
    readonly fromOrg: string,
    readonly toOrg: string,
    readonly transferId: string,
  ) {}
}
