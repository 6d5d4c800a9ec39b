// SSM Parameter Store double: parameters per region with versions and the service's overwrite rules.
import { ParameterAlreadyExists, ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { CallLog } from './call-log.js';
import { FailureInjector, fakeClient, sdkError, unsupported } from './fake-client.js';

interface Param {
  value: string;
  type: string;
  version: number;
  modifiedAt: number;
}

export class SsmDouble {
  readonly log: CallLog;
  readonly failures = new FailureInjector();
  private readonly params = new Map<string, Param>();
  private readonly now: () => number;

  constructor(opts: { now: () => number; log?: CallLog }) {
    this.now = opts.now;
    this.log = opts.log ?? new CallLog();
  }

  put(region: string, name: string, value: string): void {
    const prev = this.params.get(`${region}/${name}`);
    this.params.set(`${region}/${name}`, {
      value,
      type: 'String',
      version: (prev?.version ?? 0) + 1,
      modifiedAt: this.now(),
    });
  }

  value(region: string, name: string): string | undefined {
    return this.params.get(`${region}/${name}`)?.value;
  }

  client(region: string): SSMClient {
    return fakeClient<SSMClient>('ssm', region, this.log, this.now, this.failures, (op, input) =>
      this.handle(op, input, region),
    );
  }

  private view(name: string, p: Param): Record<string, unknown> {
    return { Name: name, Value: p.value, Type: p.type, Version: p.version, LastModifiedDate: new Date(p.modifiedAt) };
  }

  private handle(op: string, input: Record<string, unknown>, region: string): unknown {
    switch (op) {
      case 'GetParameter': {
        const name = String(input.Name);
        const p = this.params.get(`${region}/${name}`);
        if (!p) throw sdkError(ParameterNotFound, `Parameter ${name} not found.`);
        return { Parameter: this.view(name, p) };
      }
      case 'GetParameters': {
        const names = (input.Names as string[]) ?? [];
        const found = names.filter((n) => this.params.has(`${region}/${n}`));
        return {
          Parameters: found.map((n) => this.view(n, this.params.get(`${region}/${n}`) as Param)),
          InvalidParameters: names.filter((n) => !found.includes(n)),
        };
      }
      case 'PutParameter': {
        const name = String(input.Name);
        const key = `${region}/${name}`;
        const prev = this.params.get(key);
        if (prev && !input.Overwrite)
          throw sdkError(
            ParameterAlreadyExists,
            `The parameter already exists. To overwrite this value, set the overwrite option in the request to true.`,
          );
        const version = (prev?.version ?? 0) + 1;
        this.params.set(key, {
          value: String(input.Value),
          type: String(input.Type ?? prev?.type ?? 'String'),
          version,
          modifiedAt: this.now(),
        });
        return { Version: version, Tier: 'Standard' };
      }
      case 'DeleteParameter': {
        const name = String(input.Name);
        if (!this.params.delete(`${region}/${name}`)) throw sdkError(ParameterNotFound, `Parameter ${name} not found.`);
        return {};
      }
      default:
        throw unsupported('ssm', op);
    }
  }
}
