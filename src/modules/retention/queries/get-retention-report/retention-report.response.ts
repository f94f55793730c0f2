import { ApiProperty } from '@nestjs/swagger';

export class RetentionRuleView {
  @ApiProperty({ example: 'case-record.after-supervision' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: every organisation without its own rule' })
  org: string | null;
  @ApiProperty({ example: 2557 }) days: number;
  @ApiProperty() description: string;
  @ApiProperty({ example: 'retention/default.yaml:27' }) source: string;
}

export class RetentionItemView {
  @ApiProperty({ description: 'CRN, assessment id or exchange request id' }) id: string;
  @ApiProperty({ type: String, nullable: true }) crn: string | null;
  @ApiProperty({ description: 'Organisation whose data it is' }) org: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
}

export class RetentionKindView {
  @ApiProperty({
    enum: ['case-record', 'assessment', 'exchange-request', 'person-session', 'ig-session', 'replay-token'],
  })
  kind: string;
  @ApiProperty({ description: 'What the period runs from', example: 'supervision-end' }) from: string;
  @ApiProperty({ type: [RetentionRuleView] }) rules: RetentionRuleView[];
  @ApiProperty({ description: 'How many would be erased by a run at `at`' }) due: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The next due time after `at`' })
  nextDueAt: string | null;
  @ApiProperty({
    type: [RetentionItemView],
    description:
      'Up to 100 of the items due, oldest first: case records, assessments and exchange requests (sessions and replay tokens are counted only)',
  })
  items: RetentionItemView[];
}

export class RetentionReportResponse {
  @ApiProperty({ type: [String], example: ['default@2026.12.1'] }) schedule: string[];
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The organisation whose data is reported (the caller's); null for the operator: every organisation",
  })
  org: string | null;
  @ApiProperty({ type: [RetentionKindView] }) kinds: RetentionKindView[];
}
