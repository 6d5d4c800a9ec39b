// IAM double (global): roles by name, and service-linked roles created on request as IAM names them
// (AWSServiceRoleFor<Service> under /aws-service-role/<service>/).
import { InvalidInputException, NoSuchEntityException, type IAMClient } from '@aws-sdk/client-iam';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

/** Service principal → the name of its service-linked role (the ones the templates name). */
export const SERVICE_LINKED_ROLES: Record<string, string> = {
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
  'elasticloadbalancing.amazonaws.com': 'AWSServiceRoleForElasticLoadBalancing',
  'rds.amazonaws.com': 'AWSServiceRoleForRDS',
};

export class IamDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  /** role name → path. An account that used Auto Scaling before has its service-linked role. */
  readonly roles = new Map<string, string>([
    ['AWSServiceRoleForAutoScaling', '/aws-service-role/autoscaling.amazonaws.com/'],
  ]);
  private readonly now: () => number;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  client(region: string): IAMClient {
    return fakeClient<IAMClient>('iam', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input),
    );
  }

  private handle(op: string, input: Record<string, unknown>): unknown {
    switch (op) {
      case 'GetRole': {
        const name = String(input.RoleName);
        const path = this.roles.get(name);
        if (path === undefined) throw sdkError(NoSuchEntityException, `The role with name ${name} cannot be found.`);
        return { Role: { RoleName: name, Path: path, Arn: `arn:aws:iam::111111111111:role${path}${name}` } };
      }
      case 'CreateServiceLinkedRole': {
        const service = String(input.AWSServiceName);
        const name = SERVICE_LINKED_ROLES[service];
        if (!name) throw sdkError(InvalidInputException, `Unknown service name ${service}`);
        if (this.roles.has(name))
          throw sdkError(
            InvalidInputException,
            `Service role name ${name} has been taken in this account, please try a different suffix.`,
          );
        const path = `/aws-service-role/${service}/`;
        this.roles.set(name, path);
        return { Role: { RoleName: name, Path: path, Arn: `arn:aws:iam::111111111111:role${path}${name}` } };
      }
      default:
        throw unsupported('iam', op);
    }
  }
}
