import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@config/app.config.js';
import { daysByOrg, type RetentionKind, type RetentionSchedule } from './domain/retention-schedule.js';
import type { KindDays } from './domain/retention.store.port.js';
import { loadRetentionSchedule } from './infrastructure/retention-loader.js';

/**
 * The retention schedule of retention/*.yaml (RETENTION_DIR), loaded and validated once at
 * start-up: a bad file stops the gateway with a message naming the file and line.
 */
@Injectable()
export class RetentionScheduleService {
  readonly schedule: RetentionSchedule;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.schedule = loadRetentionSchedule(config.retentionDir);
  }

  days(kind: RetentionKind): KindDays {
    return daysByOrg(this.schedule, kind);
  }
}
