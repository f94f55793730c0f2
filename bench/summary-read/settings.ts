// Command-line settings of the summary-read benchmark (see the header of run.ts).
export interface Settings {
  cases: number;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  healthDurationMs: number;
  omShare: number;
  tokenRate: number;
  maxForeign: number;
  quietTimeoutMs: number;
  logLevel: string;
  cpuProf: boolean;
  keep: boolean;
  json: boolean | string;
}

export function parseSettings(argv: string[]): Settings {
  const s: Settings = {
    cases: 100_000,
    concurrency: 64,
    durationMs: 20_000,
    warmupMs: 5000,
    healthDurationMs: 10_000,
    omShare: 0.2,
    tokenRate: 4000,
    maxForeign: 25,
    quietTimeoutMs: 120_000,
    logLevel: 'warn',
    cpuProf: false,
    keep: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (min: number, max: number) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${a} needs a number from ${min} to ${max}`);
      return v;
    };
    switch (a) {
      case '--cases':
        s.cases = Math.floor(num(1, 10_000_000));
        break;
      case '--concurrency':
      case '-c':
        s.concurrency = Math.floor(num(1, 4096));
        break;
      case '--duration':
      case '-d':
        s.durationMs = num(1000, 600_000);
        break;
      case '--warmup':
      case '-w':
        s.warmupMs = num(0, 120_000);
        break;
      case '--health-duration':
        s.healthDurationMs = num(1000, 600_000);
        break;
      case '--om-share':
        s.omShare = num(0, 1);
        break;
      case '--token-rate':
        s.tokenRate = num(1, 100_000);
        break;
      case '--max-foreign':
        s.maxForeign = num(0, 400);
        break;
      case '--quiet-timeout':
        s.quietTimeoutMs = num(0, 600_000);
        break;
      case '--log-level':
        s.logLevel = argv[++i] ?? 'warn';
        break;
      case '--cpu-prof':
        s.cpuProf = true;
        break;
      case '--keep':
        s.keep = true;
        break;
      case '--json':
        s.json = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true;
        break;
      default:
        throw new Error(`unknown argument ${a} (see the header of bench/summary-read/run.ts)`);
    }
  }
  // Tokens are signed before the clock starts and live 300 s (docs/api.md): the run must fit.
  if (s.warmupMs + s.durationMs + s.quietTimeoutMs > 250_000)
    throw new Error('--warmup + --duration + --quiet-timeout must stay under 250 s: pre-signed tokens live 300 s');
  return s;
}
