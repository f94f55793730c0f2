import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig } from './app.config.js';
import { appConfig, ConfigModule } from './config.module.js';

describe('ConfigModule', () => {
  it('serves the validated AppConfig as APP_CONFIG, as appConfig.KEY and through ConfigService', async () => {
    const config = loadConfig({ PORT: '4321', GATEWAY_ID: 'gw-test' });
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config)] }).compile();
    expect(moduleRef.get(APP_CONFIG)).toBe(config);
    expect(moduleRef.get(appConfig.KEY)).toBe(config);
    expect(moduleRef.get(ConfigService).get<number>('app.port')).toBe(4321);
    expect(moduleRef.get(ConfigService).get<string>('PATH')).toBeUndefined();
    await moduleRef.close();
  });
});
