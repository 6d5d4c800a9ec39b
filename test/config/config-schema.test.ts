// The config's zod schema: path-named errors from the loader, the environment variables drctl reads, and the JSON
// Schema generated from it for editors (committed, up to date, referenced by every config file).
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { cacheRoot, readEnvironment } from '../../src/config/environment-variables.js';
import type { DrError } from '../../src/errors.js';
import { CONFIG_SCHEMA_FILE, configJsonSchemaText, editorConfigSchema } from '../../src/plan/config-json-schema.js';
import { loadLayerTemplates } from '../../src/templates/catalog.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

async function configFile(edit: (c: Record<string, unknown>) => void): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drctl-schema-'));
  await mkdir(path.join(dir, 'config'));
  const c = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config/dev.json'), 'utf8')) as Record<string, unknown>;
  edit(c);
  await writeFile(path.join(dir, 'config/dev.json'), JSON.stringify(c, null, 2));
  return dir;
}

const failure = async (dir: string) => (await loadConfig(dir, 'dev').catch((e: unknown) => e)) as DrError;

describe('config/<env>.json against the zod schema', () => {
  it('names each wrong field by its path and line, with the value found and the fix', async () => {
    const err = await failure(
      await configFile((c) => {
        (c.regions as Record<string, unknown>).primary = 'us-east';
        (c.objectives as Record<string, unknown>).rtoSeconds = '300';
      }),
    );
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.file).toBe(path.join('config', 'dev.json'));
    const problems = err.details!.problems as { field: string; line: number; message: string; fix: string }[];
    expect(problems.map((p) => p.field)).toEqual(['regions.primary', 'objectives.rtoSeconds']);
    expect(problems[0]).toMatchObject({ message: 'is not a region name (found "us-east")' });
    expect(problems[0]!.line).toBeGreaterThan(1);
    expect(problems[1]!.message).toBe('must be a number of seconds (found "300")');
    expect(err.message).toMatch(/^2 problems:\n {2}- config\/dev\.json:\d+: regions\.primary: is not a region name/);
  });

  it('an unknown field suggests the known one; a missing one says it is missing', async () => {
    const typo = await failure(
      await configFile((c) => {
        c.stackPrefx = c.stackPrefix;
        delete c.stackPrefix;
      }),
    );
    const problems = typo.details!.problems as { field: string; message: string; fix: string }[];
    expect(problems).toContainEqual(expect.objectContaining({ field: 'stackPrefx', message: 'is not a known field' }));
    expect(problems.find((p) => p.field === 'stackPrefx')!.fix).toContain('Did you mean "stackPrefix"?');
    expect(problems).toContainEqual(expect.objectContaining({ field: 'stackPrefix', message: 'is missing' }));
  });

  it('an unknown parameter block is named with the blocks that exist', async () => {
    const err = await failure(await configFile((c) => ((c.parameters as Record<string, unknown>).secundary = {})));
    expect(err).toMatchObject({ field: 'parameters.secundary' });
    expect(err.fix).toContain('Use only "common", "primary" and "secondary".');
    expect(err.fix).toContain('Did you mean "secondary"?');
  });
});

describe('environment variables drctl reads', () => {
  it('DRCTL_CACHE_DIR moves the caches; empty means unset', () => {
    expect(cacheRoot('/tmp', { DRCTL_CACHE_DIR: '/var/cache/drctl' })).toBe('/var/cache/drctl');
    expect(cacheRoot('/tmp', { DRCTL_CACHE_DIR: '' })).toBe(path.join('/tmp', 'drctl-cache'));
  });

  it('typed values: endpoint URLs, a boolean flag, CI', () => {
    const env = readEnvironment({
      AWS_ENDPOINT_URL_S3: 'http://localhost:4566',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE',
      AWS_MAX_ATTEMPTS: '3',
      CI: 'false',
    });
    expect(env.AWS_MAX_ATTEMPTS).toBe(3);
    expect(() => readEnvironment({ AWS_MAX_ATTEMPTS: '0' })).toThrow(/AWS_MAX_ATTEMPTS: must be a whole number/);
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_S3: 'http://localhost:4566',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: true,
      CI: false,
    });
    const err = (() => {
      try {
        readEnvironment({ AWS_ENDPOINT_URL_STS: 'ftp://x' });
      } catch (e) {
        return e as DrError;
      }
    })();
    expect(err).toMatchObject({ code: 'E_ENV_VAR_INVALID', kind: 'usage', field: 'AWS_ENDPOINT_URL_STS' });
  });
});

describe('the published JSON Schema', () => {
  it(`${CONFIG_SCHEMA_FILE} is what the zod schema and the templates generate (run npm run schema after changing either)`, async () => {
    const committed = await readFile(path.join(PROJECT_ROOT, CONFIG_SCHEMA_FILE), 'utf8');
    expect(committed).toBe(configJsonSchemaText(await loadLayerTemplates(PROJECT_ROOT)));
    const schema = JSON.parse(committed) as {
      $schema: string;
      definitions: { TemplateParameters: { properties: Record<string, { description: string }> } };
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // Editors complete every template parameter, with its description.
    expect(schema.definitions.TemplateParameters.properties.HealthCheckIntervalSeconds!.description).toContain(
      'templates/global.json',
    );
  });

  it('accepts the shipped configs, and refuses what the templates refuse and names they do not declare', async () => {
    const schema = editorConfigSchema(await loadLayerTemplates(PROJECT_ROOT));
    for (const env of ['dev', 'prod']) {
      const config = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'config', `${env}.json`), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(schema.safeParse(config).error?.issues ?? [], env).toEqual([]);
      const bad = structuredClone(config) as { parameters: { common: Record<string, unknown> } };
      bad.parameters.common.AzCount = 'two';
      bad.parameters.common.FailoverWindowSecond = 120;
      const issues = schema.safeParse(bad).error?.issues ?? [];
      expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual(
        expect.arrayContaining([
          ['invalid_union', 'parameters.common.AzCount'],
          ['unrecognized_keys', 'parameters.common'],
        ]),
      );
    }
  });
});
