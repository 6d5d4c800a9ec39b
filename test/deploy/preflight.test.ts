// Deploy pre-flight against the doubles: placeholders and account limits stop a deploy with exit 2, naming the config
// file, the field and the fix, before any CloudFormation call (and before the lock); a healthy account passes.
import { describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/deploy/deploy.js';
import { certificateNameCovers } from '../../src/aws/services/acm.js';
import { DrError, exitCodeFor } from '../../src/errors.js';
import { loadProject } from '../../src/plan/project.js';
import { AwsHttpEndpoint } from '../doubles/aws-http.js';
import { AwsWorld } from '../doubles/aws-world.js';
import { PROJECT_ROOT, runBin, runCli } from '../helpers/run-cli.js';
import { tempProject, type ConfigEdit } from '../helpers/temp-project.js';
import { ALL, runtime } from './helpers.js';

const ZONE = 'Z0000000000000000000';
const ACCOUNT = '123456789012';

interface Problem {
  check: string;
  file: string;
  field: string;
  message: string;
  fix: string;
}

/** An account holding a zone with the id config/dev.json names, unless told otherwise. */
function account(zones: Record<string, string> = { [ZONE]: 'dev.trading.example.com' }): AwsWorld {
  return new AwsWorld({ account: ACCOUNT, hostedZones: zones });
}

async function project(edit?: ConfigEdit) {
  return loadProject(edit ? await tempProject(edit) : PROJECT_ROOT, 'dev');
}

const common =
  (v: Record<string, unknown>): ConfigEdit =>
  (c) => {
    Object.assign(c.parameters!.common!, v);
  };

/** Runs deploy, expecting the pre-flight to stop it; returns its problems. */
async function stopped(world: AwsWorld, p: Awaited<ReturnType<typeof project>>, only: string[] = []) {
  const rt = runtime(world);
  const err = await runDeploy(p, { ...ALL, only }, rt).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DrError);
  const e = err as DrError;
  expect(e.code).toBe('E_PREFLIGHT');
  expect(exitCodeFor(e)).toBe(2);
  // Nothing was asked of CloudFormation, and no lock was taken (nothing written to S3).
  expect(world.cfnCalls()).toEqual([]);
  expect(world.log.ops('s3', 'PutObject')).toHaveLength(0);
  return { error: e, problems: (e.details?.problems ?? []) as Problem[], rt };
}

describe('deploy pre-flight', () => {
  it("stops on today's placeholder HostedZoneId with exit 2, naming config/dev.json, the field and the fix (in-process CLI)", async () => {
    const world = account({});
    const r = await runCli(['deploy', '--env', 'dev', '--json'], { clients: world.factory() });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as {
      error: { code: string; file: string; field: string; fix: string; message: string };
    };
    expect(out.error).toMatchObject({
      code: 'E_PREFLIGHT',
      file: 'config/dev.json',
      field: 'parameters.common.HostedZoneId',
    });
    expect(out.error.message).toContain(`hosted zone ${ZONE} does not exist in account`);
    expect(out.error.fix).toContain('Set parameters.common.HostedZoneId to the id of the public hosted zone');
    expect(world.cfnCalls()).toEqual([]);
  });

  it('rejects a missing hosted zone before any CloudFormation call', async () => {
    const { problems } = await stopped(account({}), await project());
    expect(problems.map((p) => [p.check, p.field])).toEqual([['hosted-zone', 'parameters.common.HostedZoneId']]);
  });

  it('rejects a DomainName outside the hosted zone, and a private zone', async () => {
    const world = account({ [ZONE]: 'prod.trading.example.org' });
    const { problems } = await stopped(world, await project());
    expect(problems.map((p) => [p.check, p.field])).toEqual([['domain-name', 'parameters.common.DomainName']]);
    expect(problems[0]!.message).toContain('api.dev.trading.example.com is not in hosted zone');
    expect(problems[0]!.fix).toContain('under prod.trading.example.org');

    const priv = account({});
    priv.route53.addHostedZone(ZONE, 'dev.trading.example.com', [], { privateZone: true });
    const second = await stopped(priv, await project());
    expect(second.problems[0]!.message).toContain('is private');
  });

  it('rejects a too-low Lambda concurrency quota for a reserved controller, and accepts it once unreserved', async () => {
    const p = await project(common({ ControllerReservedConcurrency: 1 }));
    const world = account();
    // A new account: 100 concurrent executions, all unreserved; reserving 1 would leave 99.
    for (const region of ['us-east-1', 'us-west-2']) world.lambda.setQuota(region, 100);
    const { problems } = await stopped(world, p);
    expect(problems.map((x) => [x.check, x.field])).toEqual([
      ['lambda-concurrency', 'parameters.common.ControllerReservedConcurrency'],
      ['lambda-concurrency', 'parameters.common.ControllerReservedConcurrency'],
    ]);
    expect(problems[0]!.message).toMatch(/reserving 1 for failover-controller-dev .* would leave 99 unreserved/);
    expect(problems[0]!.fix).toContain('Set parameters.common.ControllerReservedConcurrency to 0 in config/dev.json');
    expect(world.log.ops('lambda', 'GetAccountSettings').length).toBeGreaterThan(0);
  });

  it('counts a reservation the function already holds (a redeploy) and passes with room left', async () => {
    const p = await project(common({ ControllerReservedConcurrency: 1 }));
    const world = account();
    world.lambda.setQuota('us-east-1', 101);
    world.lambda.setQuota('us-west-2', 100);
    // The secondary's controller already reserves its 1 (its region shows 99 unreserved): nothing more is reserved.
    world.lambda.reserve('us-west-2', 'failover-controller-dev', 1);
    const rt = runtime(world);
    const r = await runDeploy(p, { ...ALL, only: ['failover@primary', 'failover@secondary'] }, rt).catch(
      (e: unknown) => e,
    );
    // Past the pre-flight: the run fails later only because the failover stacks' inputs are not deployed.
    expect((r as DrError).code).not.toBe('E_PREFLIGHT');
    expect(
      rt.reporter.byCode<{ region: string; left: number }>('PREFLIGHT_LAMBDA_CONCURRENCY').map((m) => m.data),
    ).toEqual([expect.objectContaining({ region: 'us-east-1', left: 100 })]);
  });

  it('checks the certificate: its region, ISSUED, and that it covers DomainName (wildcards cover one label)', async () => {
    const world = account();
    const east = world.acm.addCertificate({ region: 'us-east-1', domainName: '*.dev.trading.example.com' });
    const pending = world.acm.addCertificate({
      region: 'us-west-2',
      domainName: 'api.dev.trading.example.com',
      status: 'PENDING_VALIDATION',
    });
    const wrongName = world.acm.addCertificate({ region: 'us-west-2', domainName: '*.trading.example.com' });
    const edit =
      (primary: string, secondary: string): ConfigEdit =>
      (c) => {
        Object.assign(c.parameters!.primary!, { CertificateArn: primary });
        Object.assign(c.parameters!.secondary!, { CertificateArn: secondary });
      };
    const a = await stopped(world, await project(edit(east, pending)), ['compute']);
    expect(a.problems.map((x) => [x.check, x.field])).toEqual([['certificate', 'parameters.secondary.CertificateArn']]);
    expect(a.problems[0]!.message).toContain('PENDING_VALIDATION, not ISSUED');

    const b = await stopped(world, await project(edit(east, wrongName)), ['compute']);
    expect(b.problems[0]!.message).toContain('do not cover api.dev.trading.example.com');

    // The primary's certificate given for the secondary: a load balancer only uses its own region's.
    const c = await stopped(world, await project(edit(east, east)), ['compute']);
    expect(c.problems[0]!.message).toContain(
      "the certificate is in us-east-1, but compute@secondary's load balancer is in us-west-2",
    );
  });

  it('checks the Route 53 health-check quota', async () => {
    const world = account();
    world.route53.healthCheckLimit = 1;
    const { problems } = await stopped(world, await project());
    expect(problems.map((x) => x.check)).toEqual(['route53-quota']);
    expect(problems[0]!.message).toContain('Route 53 health checks: 0 of 1 in use; global@primary creates 2 more');
  });

  it('a missing service-linked role: refused, it stops with the exact command; with --yes drctl creates it', async () => {
    const world = account();
    world.iam.roles.delete('AWSServiceRoleForAutoScaling');
    const { problems, rt } = await stopped(world, await project(), ['foundation']);
    expect(rt.reporter.byCode('CONFIRM_ASKED')).toHaveLength(1);
    expect(problems[0]!.fix).toContain(
      'aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com',
    );
    expect(world.iam.roles.has('AWSServiceRoleForAutoScaling')).toBe(false);

    const yes = runtime(world);
    const r = await runDeploy(await project(), { ...ALL, only: ['foundation'], yes: true }, yes);
    expect(r.report.status).toBe('succeeded');
    expect(world.log.ops('iam', 'CreateServiceLinkedRole')).toHaveLength(1);
    expect(world.iam.roles.get('AWSServiceRoleForAutoScaling')).toBe('/aws-service-role/autoscaling.amazonaws.com/');
    expect(yes.reporter.byCode('PREFLIGHT_SERVICE_LINKED_ROLE_CREATED')).toHaveLength(1);
  });

  it('reports every problem at once', async () => {
    const world = account({ [ZONE]: 'elsewhere.example.org' });
    world.route53.healthCheckLimit = 0;
    const p = await project(common({ ControllerReservedConcurrency: 1 }));
    world.lambda.setQuota('us-west-2', 50);
    const { error, problems } = await stopped(world, p);
    expect(new Set(problems.map((x) => x.check))).toEqual(
      new Set(['domain-name', 'route53-quota', 'lambda-concurrency']),
    );
    expect(error.message).toMatch(/pre-flight found \d+ problems; nothing was deployed/);
  });

  it('the built bin over an emulator endpoint: a missing zone is exit 2, and no CloudFormation request was sent', async () => {
    const world = account({});
    const endpoint = new AwsHttpEndpoint(world);
    const url = await endpoint.start();
    try {
      const r = await runBin(['deploy', '--json', '--endpoint-url', url], {
        cwd: PROJECT_ROOT,
        env: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' },
      });
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({
        error: { code: 'E_PREFLIGHT', field: 'parameters.common.HostedZoneId' },
      });
      expect(endpoint.requests.filter((q) => q.service === 'route53').map((q) => q.op)).toContain('GetHostedZone');
      expect(endpoint.requests.filter((q) => q.service === 'cloudformation')).toEqual([]);
    } finally {
      await endpoint.stop();
    }
  });
});

describe('certificate names', () => {
  it.each([
    ['api.example.com', 'api.example.com', true],
    ['API.Example.com', 'api.example.com.', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['api.example.com', 'www.example.com', false],
  ])('%s covers %s: %s', (name, host, covers) => {
    expect(certificateNameCovers(name, host)).toBe(covers);
  });
});
