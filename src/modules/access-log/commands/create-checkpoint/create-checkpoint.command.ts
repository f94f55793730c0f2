import { Command } from '@nestjs/cqrs';

/** Signs a checkpoint of the log as it is now (or finds the one already made at this size); returns its tree size. */
export class CreateCheckpointCommand extends Command<number> {}
