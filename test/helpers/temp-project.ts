// A throw-away copy of a project (the repository's by default) with its config edited, for tests that run drctl on
// a config a user might write.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EnvironmentConfigInput } from '../../src/config/config-schema.js';
import { PROJECT_ROOT } from './run-cli.js';

export type ConfigEdit = (config: EnvironmentConfigInput & Record<string, unknown>) => void;

export async function tempProject(
  edit: ConfigEdit = () => undefined,
  opts: { from?: string; env?: string; parts?: string[] } = {},
): Promise<string> {
  const from = opts.from ?? PROJECT_ROOT;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-project-'));
  for (const part of opts.parts ?? ['config', 'templates', 'data', 'validation-suppressions.json'])
    await cp(path.join(from, part), path.join(dir, part), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  const file = path.join(dir, 'config', `${opts.env ?? 'dev'}.json`);
  const config = JSON.parse(await readFile(file, 'utf8')) as EnvironmentConfigInput & Record<string, unknown>;
  edit(config);
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return dir;
}
