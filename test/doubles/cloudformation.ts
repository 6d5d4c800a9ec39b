// In-memory CloudFormation for one region that behaves like the service: change sets created asynchronously
// (CREATE_PENDING → CREATE_COMPLETE, or FAILED with "didn't contain changes"), stack operations that move through
// *_IN_PROGRESS over simulated time with resource events, rollbacks (ROLLBACK_COMPLETE, UPDATE_ROLLBACK_FAILED),
// ContinueUpdateRollback, deletes that fail on non-empty buckets or on secrets that still have replicas, Throttling,
// and ValidationError for wrong states.
import { randomUUID } from 'node:crypto';
import { evaluateConditions, effectiveParameters } from '../../src/templates/conditions.js';
import type { CfnTemplate } from '../../src/templates/template-types.js';
import { awsError } from './aws-error.js';
import { attributeFor, physicalIdFor } from './cfn-physical.js';
import type { S3Double } from './s3.js';
import type { SecretsManagerDouble } from './secrets-manager.js';

type Input = Record<string, unknown>;

export interface SimEvent {
  StackId: string;
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Timestamp: Date;
  ResourceStatus: string;
  ResourceStatusReason?: string;
}

interface SimResource {
  logicalId: string;
  type: string;
  physicalId: string;
  status: string;
  /** Properties with parameters resolved, for change detection. */
  fingerprint: string;
  properties: Record<string, unknown>;
  attributes?: Record<string, string>;
}

interface Snapshot {
  template: CfnTemplate | undefined;
  body: string;
  parameters: Record<string, string>;
  tags: { Key: string; Value: string }[];
}

interface SimChangeSet {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  executionStatus: string;
  statusReason?: string;
  next: Snapshot;
  changes: unknown[];
  creationTime: Date;
}

interface Step {
  at: number;
  run: () => void;
}

export interface SimStack {
  stackId: string;
  name: string;
  status: string;
  reason?: string;
  current: Snapshot;
  resources: Map<string, SimResource>;
  outputs: { OutputKey: string; OutputValue: string }[];
  events: SimEvent[];
  changeSets: Map<string, SimChangeSet>;
  steps: Step[];
  creationTime: Date;
  lastUpdatedTime?: Date;
  /** Eventual consistency: DescribeStacks answers this older view `remaining` more times. */
  stale?: { remaining: number; view: unknown };
  /** What ContinueUpdateRollback returns the stack to after UPDATE_ROLLBACK_FAILED. */
  rollbackTo?: { snapshot: Snapshot; resources: Map<string, SimResource> };
}

export interface FailureInjection {
  /** Logical id of the resource that fails. */
  resource: string;
  reason?: string;
  /** The rollback fails too: UPDATE_ROLLBACK_FAILED (updates) or ROLLBACK_FAILED (creates). */
  rollbackFails?: boolean;
}

/** Simulated seconds for a resource to create, update or delete. */
const SECONDS: Record<string, number> = {
  'AWS::RDS::DBInstance': 720,
  'AWS::DynamoDB::GlobalTable': 240,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 150,
  'AWS::AutoScaling::AutoScalingGroup': 200,
  'AWS::EC2::NatGateway': 100,
};
const seconds = (type: string) => SECONDS[type] ?? 15;

/** Properties whose change makes CloudFormation replace the resource (a subset, enough for the stateful types). */
const REPLACING: Record<string, string[]> = {
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::RDS::DBInstance': ['Engine', 'DBInstanceIdentifier', 'SourceDBInstanceIdentifier', 'KmsKeyId', 'DBName'],
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema'],
  'AWS::DynamoDB::GlobalTable': ['TableName', 'KeySchema'],
  'AWS::KMS::Key': [],
};

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

export class CloudFormationDouble {
  readonly stacks = new Map<string, SimStack>();
  readonly deleted: SimStack[] = [];
  readonly calls: { op: string; input: Input; at: number }[] = [];
  private throttles: { op: string | undefined; remaining: number }[] = [];
  private failures = new Map<string, FailureInjection>();
  private eventCounter = 0;
  /** While a scheduled step runs: its time. */
  private stepTime: number | undefined;
  /** After each ExecuteChangeSet, DescribeStacks keeps returning the pre-execution view this many times. */
  describeLag = 0;
  /** ListChangeSets answers every stack's change sets, ignoring its StackName filter (as an emulator did). */
  ignoreChangeSetFilter = false;
  /** Called before each request is handled (after it is recorded): tests use it to interrupt at a precise point. */
  onCall: ((op: string, input: Input) => void) | undefined;

  constructor(
    readonly region: string,
    readonly account: string,
    private readonly now: () => number,
    private readonly s3?: S3Double,
    private readonly secrets?: SecretsManagerDouble,
  ) {}

  /** The next `count` calls (of `op`, or of any operation) fail with Throttling, as a busy account does. */
  throttle(count: number, op?: string): void {
    this.throttles.push({ op, remaining: count });
  }

  /** The next operation executed on `stackName` fails at `resource` and rolls back. */
  failNextOperation(stackName: string, f: FailureInjection): void {
    this.failures.set(stackName, f);
  }

  /**
   * A stack that is simply there, as deployed earlier: status, parameters, outputs and tags, no resources. For tests of
   * code that only reads stacks (the operator commands read outputs).
   */
  seedStack(
    name: string,
    seed: {
      status?: string;
      parameters?: Record<string, string>;
      outputs?: Record<string, string>;
      tags?: { Key: string; Value: string }[];
    },
  ): SimStack {
    const stack: SimStack = {
      stackId: `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/seeded`,
      name,
      status: seed.status ?? 'CREATE_COMPLETE',
      current: { template: undefined, body: '', parameters: { ...seed.parameters }, tags: seed.tags ?? [] },
      resources: new Map(),
      outputs: Object.entries(seed.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      events: [],
      changeSets: new Map(),
      steps: [],
      creationTime: new Date(this.now()),
    };
    this.stacks.set(name, stack);
    return stack;
  }

  stack(name: string): SimStack | undefined {
    this.advance();
    return this.stacks.get(name);
  }

  /** Runs every state transition whose time has come. */
  advance(): void {
    const now = this.now();
    for (const s of [...this.stacks.values()]) {
      while (s.steps.length && s.steps[0]!.at <= now) {
        const step = s.steps.shift()!;
        // What a step schedules (a rollback after a failure) counts from when the step happened, not from when
        // someone next looked: a client that polls rarely sees the same end state as one that polls often.
        this.stepTime = step.at;
        try {
          step.run();
        } finally {
          this.stepTime = undefined;
        }
      }
    }
  }

  async handle(op: string, input: Input): Promise<unknown> {
    this.calls.push({ op, input, at: this.now() });
    this.onCall?.(op, input);
    const t = this.throttles.find((x) => x.remaining > 0 && (x.op === undefined || x.op === op));
    if (t) {
      t.remaining--;
      throw awsError('Throttling', 'Rate exceeded', 400);
    }
    this.advance();
    const fn = (this as unknown as Record<string, (i: Input) => unknown>)[op];
    if (typeof fn !== 'function' || !/^[A-Z]/.test(op))
      throw new Error(`CloudFormation double: ${op} is not supported by this double`);
    return fn.call(this, input);
  }

  // ---- lookups ------------------------------------------------------------------------------------------

  private find(nameOrId: unknown): SimStack | undefined {
    const key = String(nameOrId);
    return (
      this.stacks.get(key) ??
      [...this.stacks.values()].find((s) => s.stackId === key) ??
      this.deleted.find((s) => s.stackId === key)
    );
  }

  private mustFind(nameOrId: unknown): SimStack {
    const s = this.find(nameOrId);
    if (!s || (s.status === 'DELETE_COMPLETE' && !String(nameOrId).startsWith('arn:')))
      throw awsError('ValidationError', `Stack with id ${String(nameOrId)} does not exist`);
    return s;
  }

  private changeSet(i: Input): { stack: SimStack; cs: SimChangeSet } {
    const ref = String(i.ChangeSetName);
    for (const stack of this.stacks.values()) {
      if (i.StackName !== undefined && stack.name !== i.StackName && stack.stackId !== i.StackName) continue;
      for (const cs of stack.changeSets.values()) if (cs.id === ref || cs.name === ref) return { stack, cs };
    }
    throw awsError('ChangeSetNotFound', `ChangeSet [${ref}] does not exist`, 404);
  }

  // ---- template evaluation ------------------------------------------------------------------------------

  private pseudo(stack: SimStack): Record<string, string> {
    return {
      'AWS::Region': this.region,
      'AWS::AccountId': this.account,
      'AWS::StackName': stack.name,
      'AWS::StackId': stack.stackId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
  }

  /** Resolves an expression; resources resolve to their physical id / attributes (or placeholders before creation). */
  private resolve(
    stack: SimStack,
    snap: Snapshot,
    value: unknown,
    conds: Map<string, boolean>,
    resources: Map<string, SimResource> | undefined,
  ): unknown {
    const params = { ...effectiveParameters(snap.template!, snap.parameters), ...this.pseudo(stack) };
    const r = (v: unknown): unknown => this.resolve(stack, snap, v, conds, resources);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(r).filter((x) => x !== undefined);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref': {
          const name = String(arg);
          if (name === 'AWS::NoValue') return undefined;
          if (name in params) return params[name];
          return resources ? (resources.get(name)?.physicalId ?? `<${name}>`) : `<ref:${name}>`;
        }
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          const res = resources?.get(String(id));
          return res ? this.attribute(res, String(attr)) : `<att:${String(id)}.${String(attr)}>`;
        }
        case 'Fn::If': {
          const [c, a, b] = arg as [string, unknown, unknown];
          return conds.get(c) ? r(a) : r(b);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown];
          const list = r(parts);
          return Array.isArray(list) ? list.flat().join(sep) : String(list);
        }
        case 'Fn::Select': {
          const [idx, list] = arg as [unknown, unknown];
          const l = r(list);
          return Array.isArray(l) ? l[Number(r(idx))] : undefined;
        }
        case 'Fn::Split': {
          const [sep, s] = arg as [string, unknown];
          return String(r(s)).split(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
          return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
            if (name in (vars ?? {})) return String(r((vars as Record<string, unknown>)[name]));
            if (name.includes('.')) {
              const [id, attr] = name.split('.');
              return String(r({ 'Fn::GetAtt': [id, attr] }));
            }
            return String(r({ Ref: name }));
          });
        }
        case 'Fn::GetAZs':
          return ['a', 'b', 'c'].map((z) => `${this.region}${z}`);
        case 'Fn::ImportValue':
          return `<import:${JSON.stringify(arg)}>`;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const x = r(v);
      if (x !== undefined) out[k] = x;
    }
    return out;
  }

  private attribute(res: SimResource, attr: string): string {
    // A resource's attributes are fixed once created (random parts included), like the service's.
    res.attributes ??= {};
    return (res.attributes[attr] ??= attributeFor(res.type, res.physicalId, attr, this.region, this.account));
  }

  /** The resources a snapshot declares (conditions applied), with fingerprints for change detection. */
  private desired(
    stack: SimStack,
    snap: Snapshot,
  ): Map<string, { type: string; properties: Record<string, unknown>; fingerprint: string }> {
    const t = snap.template!;
    const conds = evaluateConditions(t, { ...snap.parameters, ...this.pseudo(stack) });
    const out = new Map<string, { type: string; properties: Record<string, unknown>; fingerprint: string }>();
    for (const [id, res] of Object.entries(t.Resources ?? {})) {
      if (res.Condition && !conds.get(res.Condition)) continue;
      const properties = this.resolve(stack, snap, res.Properties ?? {}, conds, undefined) as Record<string, unknown>;
      out.set(id, { type: res.Type, properties, fingerprint: JSON.stringify(properties) });
    }
    return out;
  }

  private diff(stack: SimStack, next: Snapshot): unknown[] {
    const want = this.desired(stack, next);
    const changes: unknown[] = [];
    for (const [id, w] of want) {
      const have = stack.resources.get(id);
      if (!have) {
        changes.push({
          Type: 'Resource',
          ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: w.type },
        });
      } else if (have.type !== w.type || have.fingerprint !== w.fingerprint) {
        const before = JSON.parse(have.fingerprint) as Record<string, unknown>;
        const changed = [...new Set([...Object.keys(before), ...Object.keys(w.properties)])].filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(w.properties[k]),
        );
        const replace = have.type !== w.type || changed.some((k) => (REPLACING[w.type] ?? []).includes(k));
        changes.push({
          Type: 'Resource',
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: id,
            PhysicalResourceId: have.physicalId,
            ResourceType: w.type,
            Replacement: replace ? 'True' : 'False',
            Scope: ['Properties'],
            Details: changed.map((k) => ({
              Target: {
                Attribute: 'Properties',
                Name: k,
                RequiresRecreation: (REPLACING[w.type] ?? []).includes(k) ? 'Always' : 'Never',
              },
            })),
          },
        });
      }
    }
    for (const [id, have] of stack.resources) {
      if (!want.has(id))
        changes.push({
          Type: 'Resource',
          ResourceChange: {
            Action: 'Remove',
            LogicalResourceId: id,
            PhysicalResourceId: have.physicalId,
            ResourceType: have.type,
          },
        });
    }
    return changes;
  }

  private checkParameters(t: CfnTemplate, given: Record<string, string>): void {
    const declared = t.Parameters ?? {};
    const unknown = Object.keys(given).filter((k) => !(k in declared));
    if (unknown.length)
      throw awsError('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
    const missing = Object.entries(declared)
      .filter(([k, p]) => p.Default === undefined && given[k] === undefined)
      .map(([k]) => k);
    if (missing.length) throw awsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
    for (const [k, p] of Object.entries(declared)) {
      const v = given[k] ?? (p.Default === undefined ? undefined : String(p.Default));
      if (v === undefined) continue;
      if (p.AllowedValues && !p.AllowedValues.map(String).includes(v))
        throw awsError('ValidationError', `Parameter '${k}' must be one of AllowedValues`);
      if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern.replace(/^\^|\$$/g, '')})$`).test(v))
        throw awsError('ValidationError', `Parameter '${k}' must match pattern ${p.AllowedPattern}`);
    }
  }

  // ---- events and scheduling ----------------------------------------------------------------------------

  private event(
    stack: SimStack,
    logicalId: string,
    type: string,
    status: string,
    physicalId: string,
    reason?: string,
  ): void {
    stack.events.push({
      StackId: stack.stackId,
      EventId: `${logicalId}-${++this.eventCounter}-${randomUUID().slice(0, 8)}`,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      Timestamp: new Date(this.stepTime ?? this.now()),
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    });
  }

  private setStatus(stack: SimStack, status: string, reason?: string): void {
    stack.status = status;
    stack.reason = reason;
    this.event(stack, stack.name, 'AWS::CloudFormation::Stack', status, stack.stackId, reason);
  }

  private at(stack: SimStack, offsetSeconds: number, run: () => void): void {
    const base = stack.steps.length ? stack.steps[stack.steps.length - 1]!.at : (this.stepTime ?? this.now());
    stack.steps.push({ at: base + offsetSeconds * 1000, run });
  }

  private physicalId(stack: SimStack, id: string, type: string, properties: Record<string, unknown>): string {
    return physicalIdFor(stack.name, id, type, properties, this.region, this.account);
  }

  private createPhysical(stack: SimStack, id: string, type: string, properties: Record<string, unknown>): SimResource {
    const physicalId = this.physicalId(stack, id, type, properties);
    if (type === 'AWS::S3::Bucket' && this.s3) {
      if (this.s3.buckets.has(physicalId)) throw new Error(`${physicalId} already exists`);
      const versioned = (properties.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled';
      this.s3.createBucket(physicalId, this.region, versioned ? 'Enabled' : undefined);
    }
    if (type === 'AWS::SecretsManager::Secret' && this.secrets) {
      const replicaRegions = (
        (properties.ReplicaRegions as { Region: string; KmsKeyId?: string }[] | undefined) ?? []
      ).map((r) => ({ region: r.Region, ...(r.KmsKeyId ? { kmsKeyId: r.KmsKeyId } : {}) }));
      this.secrets.create(physicalId, {
        name: physicalId.split(':')[6]!.replace(/-[A-Za-z0-9]{6}$/, ''),
        ...(typeof properties.KmsKeyId === 'string' ? { kmsKeyId: properties.KmsKeyId } : {}),
        replicaRegions,
      });
    }
    return {
      logicalId: id,
      type,
      physicalId,
      status: 'CREATE_COMPLETE',
      fingerprint: JSON.stringify(properties),
      properties,
    };
  }

  private deletePhysical(res: SimResource): void {
    if (res.type === 'AWS::S3::Bucket' && this.s3 && this.s3.buckets.has(res.physicalId))
      this.s3.DeleteBucket({ Bucket: res.physicalId });
    if (res.type === 'AWS::SecretsManager::Secret' && this.secrets?.secrets.has(res.physicalId)) {
      try {
        this.secrets.delete(res.physicalId);
      } catch (err) {
        // The resource handler's wording around the service's error, as stack events show it.
        throw new Error(
          `Resource handler returned message: "${(err as Error).message} (Service: SecretsManager, Status Code: 400, Request ID: ${randomUUID()})"`,
          { cause: err },
        );
      }
    }
  }

  private computeOutputs(stack: SimStack): void {
    const snap = stack.current;
    const t = snap.template!;
    const conds = evaluateConditions(t, { ...snap.parameters, ...this.pseudo(stack) });
    stack.outputs = Object.entries(t.Outputs ?? {})
      .filter(([, o]) => !o.Condition || conds.get(o.Condition))
      .map(([k, o]) => ({
        OutputKey: k,
        OutputValue: String(this.resolve(stack, snap, o.Value, conds, stack.resources)),
      }));
  }

  /** Schedules the operation that moves `stack` from its current snapshot to `next`. */
  private scheduleOperation(stack: SimStack, next: Snapshot, kind: 'CREATE' | 'UPDATE'): void {
    const previous = {
      snapshot: stack.current,
      resources: new Map([...stack.resources].map(([k, v]) => [k, { ...v }])),
    };
    const want = this.desired(stack, next);
    const failure = this.failures.get(stack.name);
    this.failures.delete(stack.name);
    const prefix = kind === 'CREATE' ? 'CREATE' : 'UPDATE';
    this.setStatus(stack, `${prefix}_IN_PROGRESS`, 'User Initiated');
    stack.current = next;
    stack.lastUpdatedTime = kind === 'UPDATE' ? new Date(this.now()) : undefined;

    const work: {
      id: string;
      action: 'create' | 'update' | 'replace';
      type: string;
      properties: Record<string, unknown>;
      fingerprint: string;
    }[] = [];
    for (const [id, w] of want) {
      const have = stack.resources.get(id);
      if (!have) work.push({ id, action: 'create', ...w });
      else if (have.fingerprint !== w.fingerprint || have.type !== w.type) {
        const before = JSON.parse(have.fingerprint) as Record<string, unknown>;
        const replace =
          have.type !== w.type ||
          Object.keys({ ...before, ...w.properties }).some(
            (k) =>
              JSON.stringify(before[k]) !== JSON.stringify(w.properties[k]) && (REPLACING[w.type] ?? []).includes(k),
          );
        work.push({ id, action: replace ? 'replace' : 'update', ...w });
      }
    }
    const removed = [...stack.resources.values()].filter((r) => !want.has(r.logicalId));
    let failed = false;
    for (const item of work) {
      const verb = item.action === 'update' ? 'UPDATE' : 'CREATE';
      this.at(stack, 1, () =>
        this.event(stack, item.id, item.type, `${verb}_IN_PROGRESS`, stack.resources.get(item.id)?.physicalId ?? ''),
      );
      this.at(stack, seconds(item.type), () => {
        if (failed) return;
        if (failure?.resource === item.id) {
          failed = true;
          this.event(
            stack,
            item.id,
            item.type,
            `${verb}_FAILED`,
            stack.resources.get(item.id)?.physicalId ?? '',
            failure.reason ?? 'Resource handler returned message: "Internal failure"',
          );
          stack.steps = [];
          this.scheduleRollback(stack, kind, previous, failure);
          return;
        }
        try {
          const res =
            item.action === 'update'
              ? { ...stack.resources.get(item.id)!, fingerprint: item.fingerprint, properties: item.properties }
              : this.createPhysical(stack, item.id, item.type, item.properties);
          const old = stack.resources.get(item.id);
          if (item.action === 'replace' && old) removed.push(old);
          stack.resources.set(item.id, res);
          this.event(stack, item.id, item.type, `${verb}_COMPLETE`, res.physicalId);
        } catch (err) {
          failed = true;
          this.event(stack, item.id, item.type, `${verb}_FAILED`, '', (err as Error).message);
          stack.steps = [];
          this.scheduleRollback(stack, kind, previous, { resource: item.id });
        }
      });
    }
    this.at(stack, 1, () => {
      if (kind === 'CREATE') {
        this.computeOutputs(stack);
        this.setStatus(stack, 'CREATE_COMPLETE');
        return;
      }
      this.setStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      for (const r of removed) {
        if (want.has(r.logicalId) && stack.resources.get(r.logicalId) === r) continue;
        this.deletePhysical(r);
        if (stack.resources.get(r.logicalId) === r) stack.resources.delete(r.logicalId);
        this.event(stack, r.logicalId, r.type, 'DELETE_COMPLETE', r.physicalId);
      }
      this.computeOutputs(stack);
    });
    if (kind === 'UPDATE') this.at(stack, 2, () => this.setStatus(stack, 'UPDATE_COMPLETE'));
  }

  private scheduleRollback(
    stack: SimStack,
    kind: 'CREATE' | 'UPDATE',
    previous: { snapshot: Snapshot; resources: Map<string, SimResource> },
    failure: FailureInjection,
  ): void {
    const reason = `The following resource(s) failed to ${kind === 'CREATE' ? 'create' : 'update'}: [${failure.resource}]. `;
    if (kind === 'CREATE') {
      this.at(stack, 1, () => this.setStatus(stack, 'ROLLBACK_IN_PROGRESS', reason + 'Rollback requested by user.'));
      this.at(stack, 30, () => {
        if (failure.rollbackFails)
          return this.setStatus(stack, 'ROLLBACK_FAILED', 'The following resource(s) failed to delete.');
        for (const r of stack.resources.values()) {
          this.deletePhysical(r);
          this.event(stack, r.logicalId, r.type, 'DELETE_COMPLETE', r.physicalId);
        }
        stack.resources.clear();
        stack.outputs = [];
        this.setStatus(stack, 'ROLLBACK_COMPLETE');
      });
      return;
    }
    this.at(stack, 1, () => this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason));
    this.at(stack, 30, () => {
      if (failure.rollbackFails) {
        this.event(
          stack,
          failure.resource,
          stack.resources.get(failure.resource)?.type ?? 'AWS::CloudFormation::Stack',
          'UPDATE_FAILED',
          '',
          'Resource update cancelled during rollback',
        );
        stack.rollbackTo = previous;
        return this.setStatus(
          stack,
          'UPDATE_ROLLBACK_FAILED',
          `The following resource(s) failed to update: [${failure.resource}].`,
        );
      }
      this.restore(stack, previous);
      this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
    });
  }

  private restore(stack: SimStack, previous: { snapshot: Snapshot; resources: Map<string, SimResource> }): void {
    for (const r of stack.resources.values())
      if (previous.resources.get(r.logicalId)?.physicalId !== r.physicalId) this.deletePhysical(r);
    stack.current = previous.snapshot;
    stack.resources = previous.resources;
    this.computeOutputs(stack);
  }

  // ---- API ----------------------------------------------------------------------------------------------

  DescribeStacks(i: Input) {
    if (i.StackName === undefined) return { Stacks: [...this.stacks.values()].map((s) => this.describe(s)) };
    const s = this.mustFind(i.StackName);
    if (s.stale && s.stale.remaining > 0) {
      s.stale.remaining--;
      return { Stacks: [s.stale.view] };
    }
    return { Stacks: [this.describe(s)] };
  }

  private describe(s: SimStack) {
    return {
      StackId: s.stackId,
      StackName: s.name,
      StackStatus: s.status,
      ...(s.reason ? { StackStatusReason: s.reason } : {}),
      CreationTime: s.creationTime,
      ...(s.lastUpdatedTime ? { LastUpdatedTime: s.lastUpdatedTime } : {}),
      Parameters: Object.entries(s.current.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Outputs: s.status === 'REVIEW_IN_PROGRESS' ? undefined : s.outputs,
      Tags: s.current.tags,
    };
  }

  CreateChangeSet(i: Input) {
    const name = String(i.StackName);
    const type = (i.ChangeSetType as 'CREATE' | 'UPDATE' | undefined) ?? 'UPDATE';
    let stack = this.stacks.get(name);
    if (type === 'CREATE' && stack && stack.status !== 'REVIEW_IN_PROGRESS')
      throw awsError(
        'AlreadyExistsException',
        `Stack [${name}] already exists and cannot be created again with the changeSet [${String(i.ChangeSetName)}].`,
      );
    if (type === 'UPDATE') {
      if (!stack || stack.status === 'REVIEW_IN_PROGRESS')
        throw awsError('ValidationError', `Stack [${name}] does not exist`);
      if (
        stack.status.endsWith('_IN_PROGRESS') ||
        ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'CREATE_FAILED'].includes(
          stack.status,
        )
      ) {
        throw awsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
      }
    }
    const body = typeof i.TemplateURL === 'string' ? this.fetchTemplate(i.TemplateURL) : i.TemplateBody;
    if (typeof body !== 'string')
      throw awsError('ValidationError', 'Either Template URL or Template Body must be specified.');
    if (typeof i.TemplateBody === 'string' && body.length > 51_200)
      throw awsError(
        'ValidationError',
        "1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200",
      );
    let template: CfnTemplate;
    try {
      template = JSON.parse(body) as CfnTemplate;
    } catch {
      throw awsError('ValidationError', 'Template format error: JSON not well-formed.');
    }
    const parameters = Object.fromEntries(
      ((i.Parameters as { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }[]) ?? []).map(
        (p) => [
          p.ParameterKey,
          p.UsePreviousValue ? (stack?.current.parameters[p.ParameterKey] ?? '') : (p.ParameterValue ?? ''),
        ],
      ),
    );
    this.checkParameters(template, parameters);
    // CloudFormation records every declared parameter, defaults included.
    for (const [k, v] of Object.entries(effectiveParameters(template, parameters)))
      if (k in (template.Parameters ?? {})) parameters[k] = v;
    const caps = (i.Capabilities as string[] | undefined) ?? [];
    const iam = Object.values(template.Resources ?? {}).some((r) => r.Type.startsWith('AWS::IAM::'));
    if (iam && !caps.includes('CAPABILITY_IAM') && !caps.includes('CAPABILITY_NAMED_IAM'))
      throw awsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]');
    if (!stack) {
      stack = {
        stackId: `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/${randomUUID()}`,
        name,
        status: 'REVIEW_IN_PROGRESS',
        current: { template: undefined, body: '', parameters: {}, tags: [] },
        resources: new Map(),
        outputs: [],
        events: [],
        changeSets: new Map(),
        steps: [],
        creationTime: new Date(this.now()),
      };
      this.stacks.set(name, stack);
      this.setStatus(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    }
    const csName = String(i.ChangeSetName);
    if (stack.changeSets.has(csName)) throw awsError('AlreadyExistsException', `ChangeSet [${csName}] already exists`);
    const next: Snapshot = { template, body, parameters, tags: (i.Tags as { Key: string; Value: string }[]) ?? [] };
    const cs: SimChangeSet = {
      id: `arn:aws:cloudformation:${this.region}:${this.account}:changeSet/${csName}/${randomUUID()}`,
      name: csName,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      next,
      changes: [],
      creationTime: new Date(this.now()),
    };
    stack.changeSets.set(csName, cs);
    const s = stack;
    const delay = this.now();
    // Change sets are computed asynchronously: poll DescribeChangeSet until CREATE_COMPLETE or FAILED.
    const finish = () => {
      const same =
        s.current.template !== undefined &&
        JSON.stringify(s.current.template) === JSON.stringify(next.template) &&
        JSON.stringify(s.current.parameters) === JSON.stringify(sortObj(next.parameters)) &&
        JSON.stringify(s.current.tags) === JSON.stringify(next.tags);
      if (same) {
        cs.status = 'FAILED';
        cs.statusReason = NO_CHANGES;
        return;
      }
      cs.changes = this.diff(s, { ...next, parameters: next.parameters });
      cs.status = 'CREATE_COMPLETE';
      cs.executionStatus = 'AVAILABLE';
    };
    next.parameters = sortObj(next.parameters);
    s.steps.push(
      { at: delay + 1000, run: () => (cs.status = 'CREATE_IN_PROGRESS') },
      { at: delay + 4000, run: finish },
    );
    return { Id: cs.id, StackId: s.stackId };
  }

  /** Reads a TemplateURL from the S3 double: the bucket must be in this region, as CloudFormation requires. */
  private fetchTemplate(url: string): string {
    const m = /^https:\/\/([^.]+(?:\.[^.]+)*?)\.s3\.([a-z0-9-]+)\.amazonaws\.com\/(.+)$/.exec(url);
    const bucket = m && this.s3?.buckets.get(m[1]!);
    if (!m || !bucket) throw awsError('ValidationError', `TemplateURL must be a supported URL: ${url}`);
    if (bucket.region !== this.region)
      throw awsError(
        'ValidationError',
        `S3 error: The bucket is in this region: ${bucket.region}. Please use this region to retry the request`,
      );
    const version = bucket.objects.get(m[3]!)?.at(-1);
    if (!version || version.isDeleteMarker) throw awsError('ValidationError', 'S3 error: Access Denied');
    return new TextDecoder().decode(version.body);
  }

  DescribeChangeSet(i: Input) {
    const { stack, cs } = this.changeSet(i);
    const page = 50;
    const start = i.NextToken ? Number(i.NextToken) : 0;
    const changes = cs.changes.slice(start, start + page);
    return {
      ChangeSetId: cs.id,
      ChangeSetName: cs.name,
      StackId: stack.stackId,
      StackName: stack.name,
      Status: cs.status,
      ExecutionStatus: cs.executionStatus,
      ...(cs.statusReason ? { StatusReason: cs.statusReason } : {}),
      Parameters: Object.entries(cs.next.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Tags: cs.next.tags,
      Changes: changes,
      CreationTime: cs.creationTime,
      ...(start + page < cs.changes.length ? { NextToken: String(start + page) } : {}),
    };
  }

  ListChangeSets(i: Input) {
    const listed = this.ignoreChangeSetFilter ? [...this.stacks.values()] : [this.mustFind(i.StackName)];
    return {
      Summaries: listed.flatMap((stack) =>
        [...stack.changeSets.values()].map((cs) => ({
          ChangeSetId: cs.id,
          ChangeSetName: cs.name,
          StackId: stack.stackId,
          StackName: stack.name,
          Status: cs.status,
          ExecutionStatus: cs.executionStatus,
          CreationTime: cs.creationTime,
        })),
      ),
    };
  }

  DeleteChangeSet(i: Input) {
    const { stack, cs } = this.changeSet(i);
    if (cs.executionStatus === 'EXECUTE_IN_PROGRESS')
      throw awsError('InvalidChangeSetStatus', `Cannot delete ChangeSet in status ${cs.status}`);
    stack.changeSets.delete(cs.name);
    return {};
  }

  ExecuteChangeSet(i: Input) {
    const { stack, cs } = this.changeSet(i);
    if (cs.status !== 'CREATE_COMPLETE' || cs.executionStatus !== 'AVAILABLE')
      throw awsError(
        'InvalidChangeSetStatus',
        `ChangeSet [${cs.id}] cannot be executed in its current status of [${cs.status}]`,
      );
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS')
      throw awsError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    stack.changeSets.clear();
    if (this.describeLag) stack.stale = { remaining: this.describeLag, view: this.describe(stack) };
    this.scheduleOperation(stack, cs.next, cs.type);
    return {};
  }

  DescribeStackEvents(i: Input) {
    const stack = this.mustFind(i.StackName);
    const newestFirst = [...stack.events].reverse();
    const start = i.NextToken ? Number(i.NextToken) : 0;
    const page = newestFirst.slice(start, start + 100);
    return { StackEvents: page, ...(start + 100 < newestFirst.length ? { NextToken: String(start + 100) } : {}) };
  }

  ListStackResources(i: Input) {
    const stack = this.mustFind(i.StackName);
    const all = [...stack.resources.values()];
    const start = i.NextToken ? Number(i.NextToken) : 0;
    const page = all.slice(start, start + 100);
    return {
      StackResourceSummaries: page.map((r) => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: r.status,
        LastUpdatedTimestamp: new Date(this.now()),
      })),
      ...(start + 100 < all.length ? { NextToken: String(start + 100) } : {}),
    };
  }

  DescribeStackResources(i: Input) {
    const stack = this.mustFind(i.StackName);
    return {
      StackResources: [...stack.resources.values()].map((r) => ({
        StackName: stack.name,
        StackId: stack.stackId,
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: r.status,
        Timestamp: new Date(this.now()),
      })),
    };
  }

  ContinueUpdateRollback(i: Input) {
    const stack = this.mustFind(i.StackName);
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED')
      throw awsError(
        'ValidationError',
        `Stack ${stack.stackId} is in ${stack.status} state and ContinueUpdateRollback cannot be called from this status.`,
      );
    this.setStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', 'Continue rollback requested by user.');
    const previous = stack.rollbackTo;
    stack.rollbackTo = undefined;
    this.at(stack, 20, () => {
      if (previous) this.restore(stack, previous);
      this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    });
    this.at(stack, 5, () => this.setStatus(stack, 'UPDATE_ROLLBACK_COMPLETE'));
    return {};
  }

  DeleteStack(i: Input) {
    const stack = this.find(i.StackName);
    if (!stack || stack.status === 'DELETE_COMPLETE') return {};
    if (stack.status === 'DELETE_IN_PROGRESS') return {};
    if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS')
      throw awsError('ValidationError', `Stack [${stack.name}] cannot be deleted while in status ${stack.status}`);
    stack.changeSets.clear();
    this.setStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    const resources = [...stack.resources.values()].reverse();
    let failed: string | undefined;
    for (const r of resources) {
      this.at(stack, 1, () => this.event(stack, r.logicalId, r.type, 'DELETE_IN_PROGRESS', r.physicalId));
      this.at(stack, seconds(r.type) / 2, () => {
        try {
          this.deletePhysical(r);
          stack.resources.delete(r.logicalId);
          this.event(stack, r.logicalId, r.type, 'DELETE_COMPLETE', r.physicalId);
        } catch (err) {
          failed ??= r.logicalId;
          this.event(stack, r.logicalId, r.type, 'DELETE_FAILED', r.physicalId, (err as Error).message);
        }
      });
    }
    this.at(stack, 1, () => {
      if (failed)
        return this.setStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed}]. `);
      this.setStatus(stack, 'DELETE_COMPLETE');
      this.stacks.delete(stack.name);
      this.deleted.push(stack);
    });
    return {};
  }
}

function sortObj(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
