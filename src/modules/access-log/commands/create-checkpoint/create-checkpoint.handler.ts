import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CheckpointService } from '../../application/checkpoint.service.js';
import { WitnessCoordinator } from '../../application/witness-coordinator.js';
import { CreateCheckpointCommand } from './create-checkpoint.command.js';

@CommandHandler(CreateCheckpointCommand)
export class CreateCheckpointHandler implements ICommandHandler<CreateCheckpointCommand> {
  constructor(
    private readonly checkpoints: CheckpointService,
    private readonly witnessing: WitnessCoordinator,
  ) {}

  /** Signs the checkpoint, then waits for the configured witnesses' answers (each bounded by WITNESS_TIMEOUT_MS). */
  async execute(): Promise<number> {
    const { treeSize } = await this.checkpoints.checkpoint();
    await this.witnessing.cosignLatest();
    return treeSize;
  }
}
