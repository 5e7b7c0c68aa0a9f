import { type Command, InvalidArgumentError } from 'commander';

/** A commander parser for whole numbers within bounds, with an error that says what was expected. */
export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return n;
  };
}

/** A commander parser for a UTC day (YYYY-MM-DD) or a full ISO timestamp, returning epoch ms. */
export function instantOption(name: string) {
  return (value: string): number => {
    const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value)
      ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)
      : Number.NaN;
    if (Number.isNaN(ms))
      throw new InvalidArgumentError(
        `${name} must be a date like 2026-12-01 or 2026-12-01T09:00:00Z (got "${value}")`,
      );
    return ms;
  };
}

/** Renders rows as an aligned plain-text table. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Where a CS ops command connects, as `addConnectionOptions` parses it. */
export interface ConnectionFlags {
  aws: boolean;
  db: string;
  stackPrefix: string;
  region?: string;
}

/** Adds the shared data-plane flags: --aws, --db <dir>, --stack-prefix <p>, --region <r>. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--aws', 'use the deployed stacks on AWS (default credential chain) instead of local data')
    .option('--db <dir>', 'local data directory (what `lowtouch demo` leaves behind)', '.lowtouch/db')
    .option(
      '--stack-prefix <prefix>',
      'name prefix of the deployed stacks (<prefix>-Stateful, <prefix>-Stateless)',
      'Lowtouch',
    )
    .option('--region <region>', 'AWS region of the stacks (default: from the AWS configuration)');
}

/** Reads the shared data-plane flags out of commander's option object. */
export function connectionFlagsOf(raw: Record<string, unknown>): ConnectionFlags {
  const text = (key: string) => (typeof raw[key] === 'string' ? raw[key] : undefined);
  const region = text('region');
  return {
    aws: raw.aws === true,
    db: text('db') ?? '.lowtouch/db',
    stackPrefix: text('stackPrefix') ?? 'Lowtouch',
    ...(region ? { region } : {}),
  };
}
