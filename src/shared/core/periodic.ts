import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `job` every `ms` as a named interval of @nestjs/schedule's SchedulerRegistry (one per app),
 * which lists it and clears it when the app closes. The timer does not keep the process alive.
 */
export function scheduleEvery(registry: SchedulerRegistry, name: string, ms: number, job: () => void): void {
  const timer = setInterval(job, ms);
  timer.unref();
  registry.addInterval(name, timer);
}

/**
 * Stops a job started by scheduleEvery, if it runs. Called from onModuleDestroy, so no new run starts
 * while a service awaits its last one (ScheduleModule itself clears intervals only after that hook).
 */
export function unschedule(registry: SchedulerRegistry, name: string): void {
  if (registry.doesExist('interval', name)) registry.deleteInterval(name);
}
