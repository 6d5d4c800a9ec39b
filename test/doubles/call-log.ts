// Every double writes each call here with its service and region, so tests can assert on where calls went.
export interface RecordedCall {
  service: string;
  region: string;
  /** SDK operation name, e.g. `PromoteReadReplica`. */
  operation: string;
  input: unknown;
  at: number;
}

export class CallLog {
  readonly calls: RecordedCall[] = [];
  /** Regions for which a client was built (by a double's `client(region)` or a double factory). */
  readonly clientRegions: { service: string; region: string }[] = [];

  record(call: RecordedCall): void {
    this.calls.push(call);
  }
  clientCreated(service: string, region: string): void {
    this.clientRegions.push({ service, region });
  }
  regions(): string[] {
    return [...new Set([...this.calls.map((c) => c.region), ...this.clientRegions.map((c) => c.region)])].sort();
  }
  ops(service?: string, operation?: string): RecordedCall[] {
    return this.calls.filter((c) => (!service || c.service === service) && (!operation || c.operation === operation));
  }
}
