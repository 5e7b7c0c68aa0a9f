import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResult } from './bench-result.ts';

// Each entry is a module exporting one async function that returns its results; entries whose module is
// not present yet are reported as missing rather than silently left out.
const ENTRIES: { file: string; fn: string }[] = [
  { file: 'planner.ts', fn: 'benchPlanner' },
  { file: 'render.ts', fn: 'benchRender' },
  { file: 'sender.ts', fn: 'benchSender' },
  { file: 'tick.ts', fn: 'benchTick' },
  { file: 'cost.ts', fn: 'benchCost' },
  { file: 'trigger.ts', fn: 'benchTrigger' },
];

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const entry of ENTRIES) {
  if (only.length > 0 && !only.some((o) => entry.file.startsWith(o))) continue;
  const path = join(import.meta.dirname, entry.file);
  if (!existsSync(path)) {
    process.stderr.write(`bench: ${entry.file} is missing, skipped\n`);
    continue;
  }
  process.stderr.write(`bench: running ${entry.file} …\n`);
  const mod: Record<string, unknown> = await import(path);
  const fn = mod[entry.fn];
  if (typeof fn !== 'function') throw new Error(`bench/${entry.file} must export ${entry.fn}()`);
  const produced: BenchResult[] = await fn();
  for (const result of produced) {
    results.push(result);
    process.stdout.write(
      `${result.name.padEnd(28)} ${String(result.value).padStart(12)} ${result.unit.padEnd(12)} baseline ${String(result.baseline).padStart(12)}  ratio ${String(result.ratio).padStart(8)}  target ${result.target}\n`,
    );
  }
}
const out = join(import.meta.dirname, 'results.json');
// A partial run (`npm run bench -- planner`) replaces its own entries and keeps the others.
let kept: BenchResult[] = [];
if (only.length > 0 && existsSync(out)) {
  const previous: unknown = JSON.parse(await readFile(out, 'utf8'));
  if (Array.isArray(previous))
    kept = previous.filter((r: BenchResult) => !results.some((n) => n.name === r.name));
}
await writeFile(out, `${JSON.stringify([...kept, ...results], null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
