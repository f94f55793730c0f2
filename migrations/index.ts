import { Foundation1763800000000 } from './1763800000000-Foundation.js';
import { AccessLog1763800001000 } from './1763800001000-AccessLog.js';
import { Agreements1763800002000 } from './1763800002000-Agreements.js';
import { Cases1763800003000 } from './1763800003000-Cases.js';
import { Exchange1763800004000 } from './1763800004000-Exchange.js';
import { IgConsole1763800005000 } from './1763800005000-IgConsole.js';
import { IgSessionKeys1763800006000 } from './1763800006000-IgSessionKeys.js';
import { LogWitnesses1763800007000 } from './1763800007000-LogWitnesses.js';
import { AccessLogQueue1763800007300 } from './1763800007300-AccessLogQueue.js';
import { Events1763800016000 } from './1763800016000-Events.js';
import { EventReminders1763800017500 } from './1763800017500-EventReminders.js';
import { PolicyVersions1763800018500 } from './1763800018500-PolicyVersions.js';
import { PeopleSignIn1763800019000 } from './1763800019000-PeopleSignIn.js';
import { EventPeople1763800019500 } from './1763800019500-EventPeople.js';
import { LogRetention1763800020000 } from './1763800020000-LogRetention.js';
import { Retention1763800021000 } from './1763800021000-Retention.js';
import { IgRecords1763800022000 } from './1763800022000-IgRecords.js';
import { PersonSearch1763800030000 } from './1763800030000-PersonSearch.js';
import { SignInReturnPath1763800034000 } from './1763800034000-SignInReturnPath.js';
import { IdentityProviderRegistration1763800033000 } from './1763800033000-IdentityProviderRegistration.js';
import { PersonKeys1763800031000 } from './1763800031000-PersonKeys.js';
import { OutboxPublishAtCommit1763800035000 } from './1763800035000-OutboxPublishAtCommit.js';
import { EventTimeAtCommit1763800036000 } from './1763800036000-EventTimeAtCommit.js';
import { ExchangeRowsInline1763800037000 } from './1763800037000-ExchangeRowsInline.js';
import { OutboxPublishedAfterCommit1763800038000 } from './1763800038000-OutboxPublishedAfterCommit.js';

/** Every migration, in order. Listed explicitly: ESM has no reliable glob loading, and a reviewer sees the whole list. */
export const migrations = [
  Foundation1763800000000,
  AccessLog1763800001000,
  Agreements1763800002000,
  Cases1763800003000,
  Exchange1763800004000,
  IgConsole1763800005000,
  IgSessionKeys1763800006000,
  LogWitnesses1763800007000,
  AccessLogQueue1763800007300,
  Events1763800016000,
  EventReminders1763800017500,
  PolicyVersions1763800018500,
  PeopleSignIn1763800019000,
  EventPeople1763800019500,
  LogRetention1763800020000,
  Retention1763800021000,
  IgRecords1763800022000,
  PersonSearch1763800030000,
  PersonKeys1763800031000,
  IdentityProviderRegistration1763800033000,
  SignInReturnPath1763800034000,
  OutboxPublishAtCommit1763800035000,
  EventTimeAtCommit1763800036000,
  ExchangeRowsInline1763800037000,
  OutboxPublishedAfterCommit1763800038000,
];
