// Spawns the real forklore command, as a teacher runs it. FORKLORE_BIN may point the tests at another
// checkout's bin/forklore.mjs (that is how they were seen to fail on the code before the sandbox).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = process.env.FORKLORE_BIN ?? join(root, 'bin', 'forklore.mjs');
export const example = (name: string) => join(root, 'content', 'examples', `${name}.ts`);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** True when the test's own outer limit had to kill the command. */
  killed: boolean;
}

/** Runs `forklore ...args`; kills it after `outerMs` (a command that needs that is already a failure). */
export function forklore(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; outerMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: opts.cwd ?? root,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, opts.outerMs ?? 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr: stderr.replace(/^forklore: building the command line tool.*\n/m, ''), killed });
    });
  });
}
