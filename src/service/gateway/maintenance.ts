// The region's maintenance flag (SSM Parameter Store, `on` | `off`) as the order path sees it. Operators and the
// runbooks set it to stop writes (drctl failover fences the primary; drctl failback stops writes in both regions
// before it switches the database), so POST /orders must refuse while it is `on` — not only /health.
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

export class MaintenanceFlag {
  private last: { at: number; on: boolean } | undefined;

  constructor(
    private readonly ssm: SSMClient,
    private readonly parameter: string,
    /** How long a read is reused; short, so a runbook's "stop writes" takes effect within seconds. */
    private readonly cacheMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * True while writes must be refused. An unreadable flag keeps the last value read; one never read allows writes,
   * so a Parameter Store outage does not become a trading outage (the deep /health still reports it).
   */
  async isOn(): Promise<boolean> {
    if (this.last && this.now() - this.last.at < this.cacheMs) return this.last.on;
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: this.parameter }));
      this.last = { at: this.now(), on: out.Parameter?.Value === 'on' };
    } catch {
      if (!this.last) return false;
      this.last = { at: this.now(), on: this.last.on };
    }
    return this.last.on;
  }
}
