// One drill at a time per environment on this workstation: an exclusive lock file. (Drills started elsewhere are
// caught by the pre-checks: a set maintenance flag or an inverted health check means something is in progress.)
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DrError } from '../errors.js';

export function drillLockFile(root: string, env: string): string {
  return path.join(root, '.drctl', env, 'drill.lock');
}

export async function acquireDrillLock(
  root: string,
  env: string,
  drillId: string,
  at: number,
): Promise<() => Promise<void>> {
  const file = drillLockFile(root, env);
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, JSON.stringify({ drillId, pid: process.pid, startedAt: new Date(at).toISOString() }), {
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = await readFile(file, 'utf8').catch(() => '(unreadable)');
    throw new DrError({
      code: 'E_DRILL_IN_PROGRESS',
      kind: 'conflict',
      message: `another drill is in progress for ${env}: ${holder}`,
      fix: `Wait for it to finish; if it crashed, check that its fault was restored, then delete ${file}.`,
      file,
    });
  }
  return () => rm(file, { force: true });
}
