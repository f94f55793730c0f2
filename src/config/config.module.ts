import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs, type ConfigType } from '@nestjs/config';
import { APP_CONFIG, loadConfig, type AppConfig } from './app.config.js';

/**
 * The gateway's configuration as @nestjs/config's `app` namespace: read from the environment and
 * validated by loadConfig, which names the variable at fault (main.ts stops with exit code 2).
 * Inject it with `@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>` or as APP_CONFIG.
 */
export const appConfig = registerAs('app', (): AppConfig => loadConfig());

/**
 * Registers an already validated AppConfig (main.ts loads it once; the tests build their own) with
 * @nestjs/config under the `app` namespace, and makes it injectable everywhere as APP_CONFIG.
 * ConfigService does not read process.env: loadConfig is the only reader of the environment.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          validatePredefined: false,
          load: [registerAs('app', () => config)],
        }),
      ],
      providers: [
        {
          provide: APP_CONFIG,
          useFactory: (c: ConfigType<typeof appConfig>) => c,
          inject: [appConfig.KEY],
        },
      ],
      exports: [APP_CONFIG],
    };
  }
}
