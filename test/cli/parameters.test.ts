// One checked parameter set (issue: config values were not checked against the templates): every value a template
// refuses — by Type, AllowedValues, AllowedPattern, Min/MaxValue, Min/MaxLength or Rules — stops every command that
// works on the environment, before any AWS call, naming file:field, the value, what is allowed and the nearest valid
// value. Driven through drctl's entry point.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientFactory } from '../../src/aws/clients.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type ConfigEdit } from '../helpers/temp-project.js';

interface Problem {
  file: string;
  field: string;
  line?: number;
  value?: string;
  allowed?: string;
  nearest?: string;
  template?: string;
  parameter?: string;
  message: string;
  fix: string;
}
interface ErrorDoc {
  error: { code: string; kind: string; file: string; field: string; message: string; fix: string; problems: Problem[] };
}

const common =
  (values: Record<string, unknown>): ConfigEdit =>
  (c) =>
    Object.assign(c.parameters.common!, values);

async function planError(edit: ConfigEdit): Promise<ErrorDoc['error']> {
  const r = await runCli(['plan', '--json', '--no-guard'], { cwd: await tempProject(edit) });
  expect(r.code, r.stderr).toBe(2);
  return (JSON.parse(r.stdout) as ErrorDoc).error;
}

/** A client factory that records every AWS call and answers none: commands must stop before using it. */
function untouchable(): { clients: ClientFactory; calls: string[] } {
  const calls: string[] = [];
  const client = new Proxy(
    {},
    {
      get: (_t, prop) =>
        prop === 'send'
          ? async (cmd: { constructor: { name: string } }) => {
              calls.push(cmd.constructor.name);
              throw new Error('no AWS call was expected');
            }
          : undefined,
    },
  );
  const clients = ((region: string) =>
    new Proxy({ region }, { get: (t, prop) => (prop === 'region' ? t.region : client) })) as unknown as ClientFactory;
  return { clients, calls };
}

describe('config values checked against the templates (drctl plan)', () => {
  it.each([
    ['AzCount', 'two', 'Type Number', 'templates/network.json', undefined, /2, 3/],
    ['DbMultiAz', 'maybe', 'AllowedValues', 'templates/data.json', undefined, /true, false/],
    ['InstanceType', '42', 'AllowedValues', 'templates/compute.json', undefined, /t3\.small/],
    ['LogRetentionDays', 15, 'AllowedValues', 'templates/failover.json', '14', /14, 30/],
    ['HealthCheckIntervalSeconds', 7, 'AllowedValues', 'templates/global.json', '10', /^one of 10, 30$/],
    ['MaxSize', 500, 'MaxValue', 'templates/compute.json', '100', /from 2 to 100/],
    ['RootVolumeSizeGiB', 4, 'MinValue', 'templates/compute.json', '8', /from 8 to 200/],
    ['DbInstanceClass', 't3.micro', 'AllowedPattern', 'templates/data.json', undefined, /\^db\\\./],
    ['TableConsistency', 'eventual', 'AllowedValues', 'templates/data.json', 'EVENTUAL', /EVENTUAL, STRONG/],
  ])(
    '%s: %j is refused (%s) naming file, field, value, allowed and nearest',
    async (name, value, constraint, template, nearest, allowed) => {
      const error = await planError(common({ [name]: value }));
      expect(error).toMatchObject({
        code: 'E_CONFIG_PARAMETER_INVALID',
        kind: 'config',
        file: path.join('config', 'dev.json'),
      });
      expect(error.field).toBe(`parameters.common.${name}`);
      const p = error.problems[0]!;
      expect(p).toMatchObject({ field: `parameters.common.${name}`, value: String(value), template, parameter: name });
      expect(p.line).toBeGreaterThan(1);
      expect(p.allowed).toMatch(allowed);
      expect(p.message).toContain(`(${constraint}:`);
      if (nearest === undefined) expect(p.nearest).toBeUndefined();
      else {
        expect(p.nearest).toBe(nearest);
        expect(error.message).toContain(`nearest valid value: ${nearest}`);
        expect(error.fix).toBe(`Set parameters.common.${name} to ${nearest} (allowed: ${p.allowed}).`);
      }
      expect(error.message).toMatch(new RegExp(`^config/dev\\.json:${p.line}: parameters\\.common\\.${name}: `));
    },
  );

  it('MaxLength, and a region block that overrides common, are named by their own field', async () => {
    // Four 60-letter labels: a valid DNS name by the pattern, 248 characters long.
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.')}.example.com`;
    const error = await planError((c) => (c.parameters.primary!.DomainName = long));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      field: 'parameters.primary.DomainName',
      allowed: 'a value of at most 200 characters',
    });
    expect(error.problems[0]!.message).toContain('(MaxLength: a value of at most 200 characters)');
  });

  it('every problem at once, each with its own field and fix', async () => {
    const error = await planError(
      common({ AzCount: 'two', DbMultiAz: 'maybe', InstanceType: '42', LogRetentionDays: 15 }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual([
      'parameters.common.AzCount',
      'parameters.common.DbMultiAz',
      'parameters.common.InstanceType',
      'parameters.common.LogRetentionDays',
    ]);
    expect(error.message).toMatch(/^4 problems with parameter values:/);
  });

  it("the templates' Rules: a STRONG global table with its witness in the primary region fails WitnessIsAThirdRegion", async () => {
    const error = await planError(common({ TableConsistency: 'STRONG', WitnessRegion: 'us-east-1' }));
    expect(error.code).toBe('E_CONFIG_RULE_FAILED');
    const p = error.problems[0]!;
    expect(p.template).toBe('templates/data.json');
    expect(p.message).toContain('Rules.WitnessIsAThirdRegion');
    expect(p.message).toContain('WitnessRegion = us-east-1 (parameters.common.WitnessRegion)');
    expect(p.message).toContain('PrimaryRegion = us-east-1 (regions.primary)');
    expect(p.fix).toContain('parameters.common.WitnessRegion');
    // A third region satisfies the rule.
    const ok = await runCli(['plan', '--json', '--no-guard'], {
      cwd: await tempProject(common({ TableConsistency: 'STRONG', WitnessRegion: 'us-east-2' })),
    });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('AWS-specific and list types are checked by shape, element by element', async () => {
    const cwd = await tempProject((c) => {
      c.parameters.common!.PinnedSubnets = ['subnet-0123abcd', 'sub-1'];
      c.parameters.common!.KeyName = 'ops-key';
      c.parameters.common!.Weights = '1,two';
    });
    const file = path.join(cwd, 'templates/compute.json');
    const t = JSON.parse(await readFile(file, 'utf8')) as { Parameters: Record<string, unknown> };
    t.Parameters.PinnedSubnets = { Type: 'List<AWS::EC2::Subnet::Id>', Description: 'test' };
    t.Parameters.KeyName = { Type: 'AWS::EC2::KeyPair::KeyName', Description: 'test' };
    t.Parameters.Weights = { Type: 'List<Number>', Description: 'test', MaxValue: 10 };
    await writeFile(file, JSON.stringify(t, null, 2));
    const r = await runCli(['plan', '--json', '--no-guard'], { cwd });
    expect(r.code).toBe(2);
    const problems = (JSON.parse(r.stdout) as ErrorDoc).error.problems;
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['parameters.common.PinnedSubnets', 'sub-1'],
      ['parameters.common.Weights', 'two'],
    ]);
    expect(problems[0]!.message).toContain('Type List<AWS::EC2::Subnet::Id>: a subnet id (subnet-…)');
  });
});

describe('one resolution for every command', () => {
  const commands = [
    ['plan'],
    ['report'],
    ['deploy', '--yes'],
    ['destroy', '--yes'],
    ['status'],
    ['outputs'],
    ['failover', '--yes'],
    ['failback', '--yes'],
    ['drill', '--yes'],
  ];

  it('a value the templates refuse stops plan, report, deploy, destroy, status, outputs, failover, failback and drill alike, before any AWS call', async () => {
    const cwd = await tempProject(common({ HealthCheckIntervalSeconds: 7 }));
    const { clients, calls } = untouchable();
    for (const args of commands) {
      const r = await runCli([...args, '--json'], { cwd, clients });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      const error = (JSON.parse(r.stdout) as ErrorDoc).error;
      expect(error, args[0]).toMatchObject({
        code: 'E_CONFIG_PARAMETER_INVALID',
        field: 'parameters.common.HealthCheckIntervalSeconds',
      });
      expect(error.problems[0]!.nearest, args[0]).toBe('10');
    }
    expect(calls).toEqual([]);
  });

  it('a config parameter no template declares is an error in every command (report no longer ignores it), with the nearest name', async () => {
    const cwd = await tempProject((c) => (c.parameters.secondary!.FailoverWindowSecond = 120));
    const { clients, calls } = untouchable();
    for (const args of commands) {
      const r = await runCli([...args, '--json'], { cwd, clients });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      const error = (JSON.parse(r.stdout) as ErrorDoc).error;
      expect(error, args[0]).toMatchObject({
        code: 'E_CONFIG_UNKNOWN_PARAMETER',
        field: 'parameters.secondary.FailoverWindowSecond',
        fix: 'Remove it or fix the spelling. Did you mean "FailoverWindowSeconds"?',
      });
    }
    expect(calls).toEqual([]);
  });

  it('refuses a configured health-check protocol: the checks follow each region listener, so none can disagree', async () => {
    const error = await planError(common({ HealthCheckProtocol: 'HTTP' }));
    expect(error).toMatchObject({
      code: 'E_CONFIG_UNKNOWN_PARAMETER',
      field: 'parameters.common.HealthCheckProtocol',
    });
  });

  it('people get one line per problem on stderr, with the fix, and no stack trace', async () => {
    const r = await runCli(['report'], { cwd: await tempProject(common({ HealthCheckIntervalSeconds: 7 })) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: config\/dev\.json:\d+: parameters\.common\.HealthCheckIntervalSeconds: 7 is not allowed by templates\/global\.json Parameters\.HealthCheckIntervalSeconds \(AllowedValues: one of 10, 30\); nearest valid value: 10\n {2}fix: Set parameters\.common\.HealthCheckIntervalSeconds to 10/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
