import { ConfigError, loadConfig, type AppConfig } from '@config/app.config.js';
import type { Cli, CliOption } from './cli.js';

/** The gateway's configuration as a tool sees it; an invalid variable is a usage error naming it. */
export function toolConfig<O extends Record<string, CliOption>>(
  cli: Cli<O>,
  env: Record<string, string | undefined> = process.env,
): AppConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) cli.usageError(e.message);
    throw e;
  }
}
