/** A CRC-managed case was assessed at HIGH or VERY_HIGH RoSH and needs transfer to the NPS. */
export class CaseEscalatedEvent {
  constructor(
    readonly crn: string,
    readonly managingOrg: string,
    readonly roshOverall: string,
  ) {}
}
