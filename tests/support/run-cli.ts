import { vi } from 'vitest';
import { buildProgram } from '../../cli/main.ts';

/** Runs the real `lowtouch` command line in-process; returns what it printed and its exit code. */
export async function runCli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(args, { from: 'user' });
    return { stdout: stdout.join(''), stderr: stderr.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}
