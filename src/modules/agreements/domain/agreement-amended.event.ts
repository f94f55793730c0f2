/** A new version was proposed; it needs every party's signature before it is in force. */
export class AgreementAmendedEvent {
  constructor(
    readonly agreementId: string,
    readonly version: number,
    /** The version still in force while the new one is signed, if any. */
    readonly activeVersion: number | null,
    readonly at: Date,
  ) {}
}
