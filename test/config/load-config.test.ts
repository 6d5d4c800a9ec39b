import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { configValues } from '../../src/plan/parameters.js';
import { DrError } from '../../src/errors.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

async function tempProject(configs: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-config-'));
  await mkdir(path.join(dir, 'config'));
  for (const [name, body] of Object.entries(configs))
    await writeFile(path.join(dir, 'config', `${name}.json`), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

async function devConfig(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config/dev.json'), 'utf8')) as Record<string, unknown>;
}

describe('loadConfig', () => {
  it('loads the embedded dev environment by default', async () => {
    const { config, file } = await loadConfig(PROJECT_ROOT);
    expect(file).toBe(path.join('config', 'dev.json'));
    expect(config.regions).toEqual({ primary: 'us-east-1', secondary: 'us-west-2' });
  });

  it('names the known environments when asked for an unknown one', async () => {
    const dir = await tempProject({ dev: await devConfig() });
    const err = await loadConfig(dir, 'staging').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrError);
    expect((err as DrError).code).toBe('E_ENV_UNKNOWN');
    expect((err as DrError).fix).toContain('dev');
  });

  it('rejects an invalid suffix naming the field and the fix', async () => {
    const dir = await tempProject({ dev: { ...(await devConfig()), environmentSuffix: 'Dev_1' } });
    const err = (await loadConfig(dir, 'dev').catch((e: unknown) => e)) as DrError;
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.field).toBe('environmentSuffix');
    expect(err.file).toBe(path.join('config', 'dev.json'));
    expect(err.fix).toMatch(/lowercase/);
  });

  it('reports invalid JSON with line and column', async () => {
    const dir = await tempProject({ dev: '{\n  "environment": "dev",\n  oops\n}' });
    const err = (await loadConfig(dir, 'dev').catch((e: unknown) => e)) as DrError;
    expect(err.code).toBe('E_JSON_INVALID');
    expect(err.message).toMatch(/:3:3:/);
  });
});

describe('configValues', () => {
  it('layers automatic, common and role values, keeping only declared parameters', async () => {
    const { config } = await loadConfig(PROJECT_ROOT);
    const c = {
      ...config,
      parameters: { common: { InstanceType: 't3.small', Unused: 'x' }, secondary: { InstanceType: 't3.micro' } },
    };
    const template = {
      Resources: {},
      Parameters: {
        EnvironmentSuffix: { Type: 'String' },
        RegionRole: { Type: 'String' },
        InstanceType: { Type: 'String' },
      },
    };
    expect(configValues(c, 'primary', template)).toEqual({
      EnvironmentSuffix: 'dev',
      RegionRole: 'primary',
      InstanceType: 't3.small',
    });
    expect(configValues(c, 'secondary', template)).toEqual({
      EnvironmentSuffix: 'dev',
      RegionRole: 'secondary',
      InstanceType: 't3.micro',
    });
  });
});
