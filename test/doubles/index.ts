// All AWS doubles behind one call log and one clock: `doubles.clientsFor(region)` hands code under test a set of
// clients for one region, and the log shows every region a client was built for and every call made.
import type { ControllerClients } from '../../src/failover/controller/run.js';
import { AutoScalingDouble } from './autoscaling.js';
import { CallLog } from './call-log.js';
import { CloudWatchDouble } from './cloudwatch.js';
import { RdsDouble, type RdsDoubleOptions } from './rds.js';
import { SnsDouble } from './sns.js';
import { SsmDouble } from './ssm.js';

export { ManualClock } from './clock.js';
export { CallLog } from './call-log.js';

/** The clients the failover controller works with, for one region. */
export type DoubleClients = ControllerClients;

export class AwsDoubles {
  readonly log = new CallLog();
  readonly rds: RdsDouble;
  readonly autoscaling: AutoScalingDouble;
  readonly ssm: SsmDouble;
  readonly sns: SnsDouble;
  readonly cloudwatch: CloudWatchDouble;

  constructor(opts: { now: () => number; rds?: Omit<RdsDoubleOptions, 'now' | 'log'>; launchMs?: number }) {
    const base = { now: opts.now, log: this.log };
    this.rds = new RdsDouble({ ...base, ...opts.rds });
    this.autoscaling = new AutoScalingDouble({
      ...base,
      ...(opts.launchMs === undefined ? {} : { launchMs: opts.launchMs }),
    });
    this.ssm = new SsmDouble(base);
    this.sns = new SnsDouble(base);
    this.cloudwatch = new CloudWatchDouble(base);
  }

  clientsFor(region: string): DoubleClients {
    return {
      region,
      rds: this.rds.client(region),
      autoscaling: this.autoscaling.client(region),
      ssm: this.ssm.client(region),
      sns: this.sns.client(region),
      cloudwatch: this.cloudwatch.client(region),
    };
  }
}
