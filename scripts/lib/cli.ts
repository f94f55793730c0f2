/**
 * The one argument parser of the command-line tools (scripts/*.ts, bench/run.ts), on
 * node:util parseArgs. Each tool declares its options once; from that table come the parsing,
 * `--help` (every option, its value, default and meaning) and the errors: a bad or missing
 * option is one line on stderr and exit status 2, never a stack trace.
 */
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface CliOption {
  type: 'string' | 'boolean';
  /** What the option does, for --help. */
  description: string;
  /** Placeholder of the value in --help (string options), e.g. `<org>`. */
  value?: string;
  default?: string | boolean;
  /** Missing it is a usage error (exit 2). */
  required?: boolean;
  short?: string;
  /** A string option that may be given more than once; its value is then a list. */
  multiple?: boolean;
}

export interface CliSpec<O extends Record<string, CliOption>> {
  /** How the tool is called, e.g. `npm run -s token --`. */
  usage: string;
  /** One or two sentences: what the tool does. */
  summary: string;
  options: O;
  /** Lines shown under "Examples:" in --help. */
  examples?: string[];
  /** Lines shown at the end of --help (exit statuses, environment). */
  notes?: string[];
}

type Value<T extends CliOption> = T['type'] extends 'boolean'
  ? boolean
  : T extends { multiple: true }
    ? string[] | undefined
    : T extends { default: string } | { required: true }
      ? string
      : string | undefined;

export type CliValues<O extends Record<string, CliOption>> = { [K in keyof O]: Value<O[K]> };

/** Usage errors end the process with this status (and the tools' own failures with others). */
export const USAGE_ERROR = 2;

export class Cli<O extends Record<string, CliOption>> {
  constructor(
    readonly name: string,
    readonly spec: CliSpec<O>,
  ) {}

  /** The --help text: usage, summary, every option. */
  help(): string {
    const rows = Object.entries(this.spec.options).map(([name, o]) => {
      const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
      const extra = [
        o.required ? 'required' : '',
        o.multiple ? 'repeatable' : '',
        o.default !== undefined && o.default !== false && o.default !== '' ? `default: ${String(o.default)}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      return [flag, `${o.description}${extra ? ` (${extra})` : ''}`];
    });
    rows.push(['-h, --help', 'Print this help and exit']);
    const width = Math.max(...rows.map(([flag]) => flag.length));
    const lines = [
      `usage: ${this.spec.usage} [options]`,
      '',
      this.spec.summary,
      '',
      'Options:',
      ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    ];
    if (this.spec.examples?.length) lines.push('', 'Examples:', ...this.spec.examples.map((e) => `  ${e}`));
    if (this.spec.notes?.length) lines.push('', ...this.spec.notes);
    return lines.join('\n') + '\n';
  }

  /** Ends the process with one line on stderr and exit status 2. */
  usageError(message: string): never {
    process.stderr.write(`${this.name}: ${message} (see --help)\n`);
    process.exit(USAGE_ERROR);
  }

  /** Ends the process with one line on stderr and the given exit status (a failure that is not a usage error). */
  fail(message: string, status = 1): never {
    process.stderr.write(`${this.name}: ${message}\n`);
    process.exit(status);
  }

  /** Parses `args`; prints help and exits 0 on --help; exits 2 on a bad, unknown or missing option. */
  parse(args: string[] = process.argv.slice(2)): CliValues<O> {
    const options: Record<
      string,
      { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }
    > = { help: { type: 'boolean', short: 'h' } };
    for (const [name, o] of Object.entries(this.spec.options)) {
      options[name] = {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
        ...(o.multiple ? { multiple: true } : {}),
      };
    }
    let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
    try {
      ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
    } catch (e) {
      // parseArgs explains itself in one sentence, with advice on a second line that does not apply
      // here, except for a value that starts with "-" (a reason, say): that one is said our way.
      const first = String((e as Error).message)
        .split('\n')[0]
        .replace(/\.$/, '');
      const ambiguous = /^Option '(--[a-z-]+)[^']*' argument is ambiguous/.exec(first);
      this.usageError(ambiguous ? `${first}: for a value that starts with "-", write ${ambiguous[1]}=<value>` : first);
    }
    if (values.help) {
      // Synchronous, so that exiting at once loses nothing when stdout is a pipe or socket.
      writeSync(1, this.help());
      process.exit(0);
    }
    for (const [name, o] of Object.entries(this.spec.options)) {
      if (o.required && (values[name] === undefined || values[name] === '')) this.usageError(`--${name} is required`);
    }
    delete values.help;
    return values as CliValues<O>;
  }

  /**
   * Runs the tool's body: any error it throws ends the process with one line on stderr (exit
   * status 1) rather than a stack trace.
   */
  run(main: () => Promise<void> | void): void {
    Promise.resolve()
      .then(main)
      .catch((e: unknown) => this.fail(describe(e)));
  }
}

/** Declares a tool's options; `name` prefixes its error lines. */
export function defineCli<O extends Record<string, CliOption>>(name: string, spec: CliSpec<O>): Cli<O> {
  return new Cli(name, spec);
}

/** An integer option within bounds, or a usage error naming it. */
export function intOption<O extends Record<string, CliOption>>(
  cli: Cli<O>,
  name: string,
  raw: string,
  min: number,
  max: number,
): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    cli.usageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return Number(raw);
}

/** One line for an error: its message, and its cause's (fetch says only "fetch failed"). */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`.split('\n')[0];
}
