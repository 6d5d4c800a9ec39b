// Auto Scaling double: groups per region; capacity changes are validated like the service and instances
// reach InService asynchronously (launchMs after the change).
import { AutoScalingServiceException, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, unsupported } from './fake-client.js';

interface Group {
  name: string;
  min: number;
  max: number;
  desired: number;
  inService: number;
  pendingUntil: number;
}

export interface AutoScalingDoubleOptions {
  now: () => number;
  log?: CallLog;
  launchMs?: number;
}

function validationError(message: string): Error {
  // The service answers bad capacity values with a ValidationError (HTTP 400), not a modelled exception.
  return new AutoScalingServiceException({
    name: 'ValidationError',
    $fault: 'client',
    message,
    $metadata: { httpStatusCode: 400 },
  });
}

export class AutoScalingDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly groups = new Map<string, Group>();
  private readonly now: () => number;
  readonly launchMs: number;

  constructor(opts: AutoScalingDoubleOptions) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
    this.launchMs = opts.launchMs ?? 180_000;
  }

  addGroup(region: string, name: string, capacity: { min: number; max: number; desired: number }): void {
    this.groups.set(`${region}/${name}`, { name, ...capacity, inService: capacity.desired, pendingUntil: 0 });
  }

  group(region: string, name: string): { min: number; max: number; desired: number; inService: number } | undefined {
    const g = this.groups.get(`${region}/${name}`);
    if (!g) return undefined;
    this.settle(g);
    return { min: g.min, max: g.max, desired: g.desired, inService: g.inService };
  }

  client(region: string): AutoScalingClient {
    return fakeClient<AutoScalingClient>('autoscaling', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private settle(g: Group): void {
    if (g.inService !== g.desired && this.now() >= g.pendingUntil) g.inService = g.desired;
  }

  private find(region: string, name: unknown): Group {
    const g = this.groups.get(`${region}/${String(name)}`);
    if (!g) throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${String(name)} not found`);
    this.settle(g);
    return g;
  }

  private setCapacity(g: Group, next: { min: number; max: number; desired: number }): void {
    if (next.min > next.max)
      throw validationError(`Max bound, ${next.max}, must be greater than or equal to min bound, ${next.min}`);
    if (next.desired < next.min || next.desired > next.max)
      throw validationError(
        `Desired capacity:${next.desired} must be between the specified min size:${next.min} and max size:${next.max}`,
      );
    if (next.desired !== g.desired) g.pendingUntil = this.now() + this.launchMs;
    Object.assign(g, next);
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    switch (op) {
      case 'DescribeAutoScalingGroups': {
        const names =
          (input.AutoScalingGroupNames as string[] | undefined) ??
          [...this.groups.keys()].filter((k) => k.startsWith(`${region}/`)).map((k) => k.slice(region.length + 1));
        const found = names.map((n) => this.groups.get(`${region}/${n}`)).filter((g): g is Group => Boolean(g));
        found.forEach((g) => this.settle(g));
        return {
          AutoScalingGroups: found.map((g) => ({
            AutoScalingGroupName: g.name,
            MinSize: g.min,
            MaxSize: g.max,
            DesiredCapacity: g.desired,
            Instances: Array.from({ length: Math.max(g.inService, g.desired) }, (_, k) => ({
              InstanceId: `i-${region.replace(/-/g, '')}${String(k).padStart(4, '0')}`,
              LifecycleState: k < g.inService ? 'InService' : 'Pending',
              HealthStatus: 'Healthy',
            })),
          })),
        };
      }
      case 'UpdateAutoScalingGroup': {
        const g = this.find(region, input.AutoScalingGroupName);
        this.setCapacity(g, {
          min: (input.MinSize as number | undefined) ?? g.min,
          max: (input.MaxSize as number | undefined) ?? g.max,
          desired: (input.DesiredCapacity as number | undefined) ?? g.desired,
        });
        return {};
      }
      case 'SetDesiredCapacity': {
        const g = this.find(region, input.AutoScalingGroupName);
        this.setCapacity(g, { min: g.min, max: g.max, desired: input.DesiredCapacity as number });
        return {};
      }
      default:
        throw unsupported('autoscaling', op);
    }
  }
}
