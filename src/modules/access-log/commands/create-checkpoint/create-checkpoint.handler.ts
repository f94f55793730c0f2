import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CheckpointService } from '../../application/checkpoint.service.js';
import { CreateCheckpointCommand } from './create-checkpoint.command.js';

@CommandHandler(CreateCheckpointCommand)
export class CreateCheckpointHandler implements ICommandHandler<CreateCheckpointCommand> {
  constructor(private readonly checkpoints: CheckpointService) {}

  async execute(): Promise<number> {
    return (await this.checkpoints.checkpoint()).treeSize;
  }
}
