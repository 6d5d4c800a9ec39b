// Every message code drctl and its deployed code emit (messages and the codes of errors), with its level and what it
// means. `Message.code` and `DrError.code` take only these, so an unregistered code does not compile; the registry is
// also the reference page docs/message-codes.md (written by `npm run message-codes`, checked by the tests).
import type { Level } from './messages.js';

export interface MessageCodeEntry {
  /** The level it is emitted at; errors (`E_*`) are reported at `error`. Several when the situation decides. */
  level: Level | readonly Level[];
  /** One line: what happened, for people reading a log or a --json document. */
  meaning: string;
}

/** Runbooks, named as their codes' prefixes (`FAILOVER_STEP_START`, `FAILBACK_STEP_START`, …). */
export type RunbookPrefix = 'FAILOVER' | 'FAILBACK';
/** Commands that run pre-checks before they change anything (`DRILL_PRECHECK`, `E_FAILOVER_PRECHECK`, …). */
export type PrecheckPrefix = RunbookPrefix | 'DRILL';
/** AWS services whose failed calls become `E_AWS_<SERVICE>` when the caller names no more precise code. */
export const AWS_SERVICES = [
  'autoscaling',
  'cloudformation',
  'cloudwatch',
  'dynamodb',
  'rds',
  'route53',
  's3',
  'secretsmanager',
  'sns',
  'ssm',
  'sts',
  'lambda',
  'iam',
  'acm',
] as const;
export type AwsServiceName = (typeof AWS_SERVICES)[number];
/** Drill timeline events; each is reported as `DRILL_<EVENT>` (dashes as underscores). */
export const DRILL_EVENTS = [
  'canary-replicated',
  'canary-written',
  'dns-flipped',
  'dns-restored',
  'error',
  'fault-injected',
  'fault-restored',
  'interrupted',
  'rds-canary-unavailable',
  'rds-lag-at-fault',
  'replica-promoted',
  'restore-failed',
  'restore-timeout',
  'restore-withheld',
  'timeout',
  'writes-failing',
  'writes-recovered',
] as const;
export type DrillEvent = (typeof DRILL_EVENTS)[number];

type Snake<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Snake<B>}` : S;
export type DrillEventCode<E extends DrillEvent = DrillEvent> = `DRILL_${Uppercase<Snake<E>>}`;

/** `FAILOVER` for `failover`: the prefix of a computed code, typed so the code is checked against the registry. */
export function codePrefix<T extends string>(name: T): Uppercase<T> {
  return name.toUpperCase() as Uppercase<T>;
}

/** `DRILL_FAULT_INJECTED` for `fault-injected`. */
export function drillEventCode<E extends DrillEvent>(event: E): DrillEventCode<E> {
  // The string functions are not typed at the type level; the registry test checks every event has its entry.
  return `DRILL_${event.toUpperCase().replace(/-/g, '_')}` as DrillEventCode<E>;
}

export const MESSAGE_CODES = {
  // Commands and output
  CONFIRM_ASKED: {
    level: 'info',
    meaning: 'A yes/no question was asked (recorded by the in-memory reporter of tests).',
  },
  INTERRUPT_REQUESTED: {
    level: 'warn',
    meaning: 'Ctrl-C with nothing to wind down, or a second Ctrl-C: quitting now.',
  },
  OUTPUT: { level: 'result', meaning: 'drctl outputs: one stack output as <layer>@<role>.<OutputName> = value.' },
  STATUS_STACK: {
    level: 'result',
    meaning: "drctl status: one stack's state in its region (NOT_DEPLOYED when missing).",
  },
  E_USAGE: { level: 'error', meaning: 'The command line is wrong in a way the other usage codes do not name.' },
  E_UNKNOWN_OPTION: { level: 'error', meaning: 'An option the command does not have.' },
  E_UNKNOWN_COMMAND: { level: 'error', meaning: 'A command drctl does not have.' },
  E_INVALID_ARGUMENT: { level: 'error', meaning: 'An option or argument value the command refuses.' },
  E_MISSING_ARGUMENT: { level: 'error', meaning: 'A required argument or option value is missing.' },
  E_EXCESS_ARGUMENTS: { level: 'error', meaning: 'More arguments than the command takes.' },
  E_CONFLICTING_OPTIONS: { level: 'error', meaning: 'Two options that cannot be given together.' },
  E_BAD_CONCURRENCY: { level: 'error', meaning: '--concurrency is not an integer from 1 to 16.' },
  E_INTERNAL: { level: 'error', meaning: 'A bug: an error drctl did not expect (exit 70); please report it.' },
  E_INTERRUPTED: { level: 'error', meaning: 'Stopped by Ctrl-C; re-running resumes where it stopped.' },
  E_FILE_UNREADABLE: { level: 'error', meaning: 'A file named on the command line cannot be read.' },
  E_FILE_UNWRITABLE: { level: 'error', meaning: 'An output file (e.g. --sarif) cannot be written.' },
  E_JSON_INVALID: { level: 'error', meaning: 'A template or config file is not valid JSON (file:line:column given).' },

  // Config, environment variables, AWS access
  E_ENV_NAME: { level: 'error', meaning: '--env is not a valid environment name.' },
  E_ENV_UNKNOWN: { level: 'error', meaning: '--env names no file under config/.' },
  E_ENV_VAR_INVALID: { level: 'error', meaning: 'An environment variable drctl reads (AWS_*, CI, …) has a bad value.' },
  E_CONFIG_INVALID: { level: 'error', meaning: 'The config file does not match its schema (every problem is listed).' },
  E_CONFIG_UNKNOWN_PARAMETER: { level: 'error', meaning: 'The config sets a parameter no template declares.' },
  E_CONFIG_PARAMETER_INVALID: { level: 'error', meaning: "A parameter value breaks the template's constraints." },
  E_CONFIG_RULE_FAILED: { level: 'error', meaning: "The parameter values fail one of a template's Rules." },
  E_AWS_PROFILE_UNKNOWN: {
    level: 'error',
    meaning: '--profile or AWS_PROFILE names no profile in the AWS config files.',
  },
  E_AWS_CREDENTIALS: { level: 'error', meaning: 'No usable AWS credentials were found.' },
  E_WRONG_ACCOUNT: { level: 'error', meaning: 'The credentials belong to another account than the config expects.' },
  PREFLIGHT_IDENTITY: { level: 'info', meaning: 'The AWS account and principal a changing command runs as.' },
  AWS_THROTTLED: { level: 'debug', meaning: 'AWS throttled a call; the SDK retries it.' },
  E_AWS_AUTOSCALING: { level: 'error', meaning: 'An Auto Scaling call failed.' },
  E_AWS_CLOUDFORMATION: { level: 'error', meaning: 'A CloudFormation call failed.' },
  E_AWS_CLOUDWATCH: { level: 'error', meaning: 'A CloudWatch call failed.' },
  E_AWS_DYNAMODB: { level: 'error', meaning: 'A DynamoDB call failed.' },
  E_AWS_RDS: { level: 'error', meaning: 'An RDS call failed.' },
  E_AWS_ROUTE53: { level: 'error', meaning: 'A Route 53 call failed.' },
  E_AWS_S3: { level: 'error', meaning: 'An S3 call failed.' },
  E_AWS_SECRETSMANAGER: { level: 'error', meaning: 'A Secrets Manager call failed.' },
  E_AWS_SNS: { level: 'error', meaning: 'An SNS call failed.' },
  E_AWS_SSM: { level: 'error', meaning: 'An SSM Parameter Store call failed.' },
  E_AWS_STS: { level: 'error', meaning: 'STS GetCallerIdentity failed (network, endpoint or credentials).' },
  E_AWS_LAMBDA: {
    level: 'error',
    meaning: 'A Lambda call failed (pre-flight account settings or function concurrency).',
  },
  E_AWS_IAM: { level: 'error', meaning: 'An IAM call failed (pre-flight service-linked roles).' },
  E_AWS_ACM: { level: 'error', meaning: 'An ACM call failed (pre-flight certificate check).' },
  E_DNS_UNREACHABLE: { level: 'error', meaning: 'A DNS lookup from this machine failed.' },
  E_WAIT_TIMEOUT: { level: 'error', meaning: 'A wait for a resource to reach a state timed out.' },

  // Environment lock and state bucket
  STATE_BUCKET_CREATED: { level: 'info', meaning: 'The drctl state bucket of the region was created.' },
  E_STATE_BUCKET: { level: 'error', meaning: 'The drctl state bucket cannot be created, read or written.' },
  LOCK_ACQUIRED: { level: 'info', meaning: 'The environment lock was taken for this command.' },
  LOCK_RELEASED: { level: 'info', meaning: 'The environment lock was released.' },
  LOCK_RELEASE_FAILED: { level: 'warn', meaning: 'The environment lock could not be released; it expires on its own.' },
  LOCK_LOST: { level: 'warn', meaning: 'Someone took the lock over (--force-unlock) while this command held it.' },
  LOCK_FORCED: { level: 'warn', meaning: '--force-unlock removed a lock held by someone else.' },
  LOCK_FALLBACK: {
    level: 'warn',
    meaning: 'The primary state bucket does not answer: the lock is taken in the secondary.',
  },
  LOCK_FALLBACK_UNCHECKED: {
    level: 'warn',
    meaning: 'A lock taken in the secondary region during an outage could not be checked.',
  },
  E_LOCKED: { level: 'error', meaning: 'Another command holds the environment lock.' },

  // Templates, plan and validation
  E_NO_TEMPLATES: { level: 'error', meaning: 'The templates directory does not exist.' },
  E_NO_LAYERS: { level: 'error', meaning: 'No template carries Metadata.Drctl.' },
  E_DUPLICATE_LAYER: { level: 'error', meaning: 'Two templates declare the same layer.' },
  E_PLAN_BAD_METADATA: { level: 'error', meaning: 'Metadata.Drctl of a template is malformed.' },
  E_PLAN_CYCLE: { level: 'error', meaning: 'The stacks depend on each other in a cycle.' },
  E_PLAN_ARTIFACT_CONFLICT: { level: 'error', meaning: 'One artifact is declared with different Entry or Kind.' },
  E_PLAN_ARTIFACT_UNDECLARED: { level: 'error', meaning: 'An artifact refers to a parameter the template lacks.' },
  E_PLAN_INPUT_UNDECLARED: { level: 'error', meaning: 'An input targets a parameter the template does not declare.' },
  E_PLAN_INPUT_UNKNOWN_STACK: { level: 'error', meaning: 'An input comes from a layer no template deploys there.' },
  E_PLAN_INPUT_UNKNOWN_OUTPUT: { level: 'error', meaning: 'An input names an output its producer does not have.' },
  E_PLAN_MISSING_PARAMETER: { level: 'error', meaning: 'A parameter has no default, no input and no config value.' },
  PLAN_SUMMARY: { level: 'result', meaning: 'drctl plan: the environment, its regions and the size of the plan.' },
  PLAN_WAVE: { level: 'result', meaning: 'drctl plan: the stacks deployed together in one wave.' },
  PLAN_NODE: { level: 'result', meaning: 'drctl plan --verbose: one stack, its dependencies and parameters.' },
  PLAN_CRITICAL_PATH: { level: 'result', meaning: 'drctl plan: the longest chain of dependent stacks.' },
  PLAN_MORE: { level: 'result', meaning: 'drctl plan: how to see more (--verbose, --json).' },
  PLAN_WARNING: { level: 'warn', meaning: 'drctl plan: something in the plan that deserves a look.' },
  PLAN_VALIDATED: {
    level: 'result',
    meaning: 'The templates were validated before planning (with or without cfn-guard).',
  },
  PLAN_VALIDATION_FINDING: { level: ['warn', 'error'], meaning: 'A validator finding reported by a planning command.' },
  PLAN_TIMINGS: { level: 'info', meaning: 'drctl plan --timings: time spent loading, validating and rendering.' },
  E_VALIDATION_FAILED: { level: 'error', meaning: 'The templates have error-level findings: nothing is deployed.' },
  VALIDATE_STEP: { level: 'info', meaning: 'drctl validate: a step of the run (loading, rules, cfn-guard).' },
  VALIDATE_FINDING: { level: 'result', meaning: 'drctl validate: one finding.' },
  VALIDATE_TIMING: { level: 'result', meaning: 'drctl validate --timings: time per rule.' },
  VALIDATE_PASSED: { level: 'result', meaning: 'drctl validate: no error-level finding.' },
  VALIDATE_FAILED: { level: 'result', meaning: 'drctl validate: error-level findings (exit 1).' },
  VALIDATE_RULE: { level: 'result', meaning: 'drctl validate --list-rules: one rule.' },
  VALIDATE_RULES_LISTED: { level: 'result', meaning: 'drctl validate --list-rules: how many rules and controls.' },
  E_SUPPRESSIONS_INVALID: { level: 'error', meaning: 'The suppressions file is malformed.' },
  E_GUARD_UNSUPPORTED: { level: 'error', meaning: 'cfn-guard is not bundled for this platform.' },
  E_GUARD_FAILED: { level: 'error', meaning: 'cfn-guard failed without a readable report.' },

  // Deploy and destroy
  E_ONLY_UNKNOWN: { level: 'error', meaning: '--only names no stack of the plan.' },
  E_ONLY_DEPENDENCY: { level: 'error', meaning: '--only: a stack it needs is not deployed.' },
  E_OUTPUT_MISSING: { level: 'error', meaning: 'A stack lacks the output a later stack takes as input.' },
  E_ARTIFACT_BUILD: { level: 'error', meaning: 'An artifact (Lambda or gateway bundle) does not build.' },
  E_ARTIFACT_PUBLISH: { level: 'error', meaning: 'An artifact cannot be uploaded to the artifact bucket.' },
  E_TEMPLATE_UPLOAD: { level: 'error', meaning: 'A template cannot be uploaded to the state bucket.' },
  E_AWS_CHANGESET: { level: 'error', meaning: 'CloudFormation refused to create a change set.' },
  E_AWS_EXECUTE: { level: 'error', meaning: 'CloudFormation refused to execute a change set.' },
  E_AWS_DELETE: { level: 'error', meaning: 'CloudFormation refused to delete a stack.' },
  E_AWS_CONTINUE_ROLLBACK: { level: 'error', meaning: 'CloudFormation refused to continue a failed rollback.' },
  E_AWS_DESCRIBE_STACKS: { level: 'error', meaning: 'A stack cannot be described.' },
  E_CHANGESET_FAILED: { level: 'error', meaning: 'A change set ended FAILED for another reason than no changes.' },
  E_STATEFUL_REPLACEMENT: {
    level: 'error',
    meaning: 'A change set would replace or delete stateful resources: refused.',
  },
  E_STACK_FAILED: { level: 'error', meaning: 'A stack ended in a failed or rolled-back state.' },
  E_STACK_NEEDS_RECREATE: {
    level: 'error',
    meaning: 'A stack in ROLLBACK_COMPLETE must be deleted and created again.',
  },
  E_DEPLOY_FAILED: { level: 'error', meaning: 'drctl deploy: some stacks failed (each is named).' },
  E_STACK_DELETE_FAILED: { level: 'error', meaning: 'A stack could not be deleted.' },
  E_DESTROY_FAILED: { level: 'error', meaning: 'drctl destroy: some stacks were not deleted.' },
  E_DESTROY_FOREIGN_STACK: { level: 'error', meaning: 'A stack is not tagged as this environment: not deleted.' },
  E_CONFIRMATION_REFUSED: { level: 'error', meaning: 'drctl destroy was not confirmed: nothing was deleted.' },
  E_EMPTY_BUCKET: { level: 'error', meaning: 'A bucket could not be emptied before its stack is deleted.' },
  E_SECRET_REPLICAS: { level: 'error', meaning: "A secret's replicas could not be removed before deletion." },
  ARTIFACT_BUILT: { level: 'info', meaning: 'An artifact was built.' },
  ARTIFACT_UPLOADED: { level: 'info', meaning: 'An artifact was uploaded.' },
  ARTIFACT_EXISTS: { level: 'info', meaning: 'An artifact with the same content is already uploaded.' },
  DEPLOY_STACK_EVENT: { level: 'info', meaning: 'A CloudFormation stack event during deploy or destroy.' },
  DEPLOY_STACK_STATUS: { level: 'info', meaning: "A stack's status while it is created, updated or deleted." },
  DEPLOY_STALE_CHANGESET_DELETED: { level: 'info', meaning: 'Change sets left by an earlier run were deleted.' },
  DEPLOY_NO_CHANGES: { level: 'info', meaning: 'A stack is already up to date.' },
  DEPLOY_CHANGESET: { level: 'info', meaning: 'The changes a change set makes to a stack.' },
  DEPLOY_RECREATE: { level: 'warn', meaning: 'A stack in ROLLBACK_COMPLETE is deleted to be created again.' },
  DEPLOY_CONTINUE_ROLLBACK: { level: 'warn', meaning: 'A stack stuck in UPDATE_ROLLBACK_FAILED is rolled back first.' },
  DEPLOY_RESUME_WAIT: {
    level: 'info',
    meaning: 'A stack operation from an earlier run is still running: waiting for it.',
  },
  DEPLOY_SECOND_PASS_PENDING: { level: 'warn', meaning: 'A stack takes an input from a later stack: run it again.' },
  DEPLOY_NODE_STATE: {
    level: ['debug', 'warn', 'error'],
    meaning: 'A deploy node changed state (failed is an error).',
  },
  DEPLOY_RESULT: { level: 'result', meaning: 'drctl deploy: the outcome of one stack.' },
  DESTROY_PLAN: { level: 'result', meaning: 'drctl destroy: the stacks it will delete, in which account.' },
  DESTROY_NOTHING: { level: 'result', meaning: 'drctl destroy: no stack of the environment exists.' },
  DESTROY_BUCKET_EMPTIED: { level: 'info', meaning: 'A bucket was emptied before its stack is deleted.' },
  DESTROY_SECRET_REPLICAS_REMOVED: { level: 'info', meaning: "A secret's replicas were removed before deletion." },
  DESTROY_RETRY: { level: 'warn', meaning: 'A stack ended DELETE_FAILED: it is prepared and deleted once more.' },
  DESTROY_FOREIGN_STACK: { level: 'warn', meaning: 'A stack is not tagged as this environment: left alone.' },
  DESTROY_NODE_STATE: { level: ['debug', 'warn', 'error'], meaning: 'A destroy node changed state.' },
  DESTROY_RESULT: { level: 'result', meaning: 'drctl destroy: the outcome of one stack.' },

  // Operator machinery shared by failover, failback and drill
  TOPOLOGY_RESOLVED: { level: 'debug', meaning: 'The stack outputs the operator commands need were read.' },
  TOPOLOGY_FROM_CACHE: {
    level: 'warn',
    meaning: 'The stacks cannot be read: names cached by an earlier run are used.',
  },
  E_STACK_MISSING: { level: 'error', meaning: 'A stack the command needs does not exist.' },
  E_STACK_OUTPUT_MISSING: { level: 'error', meaning: 'A stack lacks an output the command needs.' },
  E_ASG_NOT_FOUND: { level: 'error', meaning: 'An Auto Scaling group does not exist.' },
  E_DB_NOT_FOUND: { level: 'error', meaning: 'A DB instance does not exist.' },
  E_S3_REVERSE_RULE_MISSING: {
    level: 'error',
    meaning: 'A bucket has no replication rule back toward the other region.',
  },
  FAILOVER_PRECHECK: { level: ['info', 'warn'], meaning: 'drctl failover: the result of one pre-check.' },
  FAILBACK_PRECHECK: { level: ['info', 'warn'], meaning: 'drctl failback: the result of one pre-check.' },
  DRILL_PRECHECK: { level: ['info', 'warn'], meaning: 'drctl drill: the result of one pre-check.' },
  FAILOVER_PRECHECK_OVERRIDDEN: { level: 'warn', meaning: 'drctl failover: a failed pre-check was overridden.' },
  FAILBACK_PRECHECK_OVERRIDDEN: { level: 'warn', meaning: 'drctl failback: a failed pre-check was overridden.' },
  DRILL_PRECHECK_OVERRIDDEN: { level: 'warn', meaning: 'drctl drill: a failed pre-check was overridden.' },
  E_FAILOVER_PRECHECK: { level: 'error', meaning: 'drctl failover refused: a pre-check failed (nothing changed).' },
  E_FAILBACK_PRECHECK: { level: 'error', meaning: 'drctl failback refused: a pre-check failed (nothing changed).' },
  E_DRILL_PRECHECK: { level: 'error', meaning: 'drctl drill refused: a pre-check failed (nothing changed).' },

  // Failover and failback runbooks
  RUNBOOK_AUDIT: { level: 'debug', meaning: 'An audit record a runbook writes to the controller state table.' },
  FAILOVER_RESUMED: { level: 'info', meaning: 'drctl failover resumed an interrupted run.' },
  FAILBACK_RESUMED: { level: 'info', meaning: 'drctl failback resumed an interrupted run.' },
  FAILOVER_STEP_START: { level: 'info', meaning: 'A failover step started.' },
  FAILBACK_STEP_START: { level: 'info', meaning: 'A failback step started.' },
  FAILOVER_STEP_PROGRESS: { level: 'info', meaning: 'A failover step is waiting (what for, for how long).' },
  FAILBACK_STEP_PROGRESS: { level: 'info', meaning: 'A failback step is waiting (what for, for how long).' },
  FAILOVER_STEP_DONE: { level: 'info', meaning: 'A failover step finished.' },
  FAILBACK_STEP_DONE: { level: 'info', meaning: 'A failback step finished.' },
  FAILOVER_STEP_SKIPPED: { level: 'info', meaning: 'A failover step had nothing to do.' },
  FAILBACK_STEP_SKIPPED: { level: 'info', meaning: 'A failback step had nothing to do.' },
  FAILOVER_STEP_FAILED: { level: 'error', meaning: 'A failover step failed; re-running resumes at it.' },
  FAILBACK_STEP_FAILED: { level: 'error', meaning: 'A failback step failed; re-running resumes at it.' },
  FAILOVER_COMPLETED: { level: 'result', meaning: 'drctl failover completed every step.' },
  FAILBACK_COMPLETED: { level: 'result', meaning: 'drctl failback completed every step.' },
  FAILOVER_SIGINT: { level: 'warn', meaning: 'Ctrl-C during failover: stopping after the current wait.' },
  FAILBACK_SIGINT: { level: 'warn', meaning: 'Ctrl-C during failback: stopping after the current wait.' },
  FAILOVER_REPORT: { level: 'info', meaning: 'Where the failover run record was written.' },
  FAILBACK_REPORT: { level: 'info', meaning: 'Where the failback run record was written.' },
  FAILOVER_STATE: { level: 'debug', meaning: 'The failover run state after the run.' },
  FAILBACK_STATE: { level: 'debug', meaning: 'The failback run state after the run.' },
  FAILOVER_PREVIOUS_ARCHIVED: { level: 'debug', meaning: 'The state of a finished failover run was archived.' },
  FAILBACK_PREVIOUS_ARCHIVED: { level: 'debug', meaning: 'The state of a finished failback run was archived.' },
  FAILOVER_FENCE_UNREACHABLE: { level: 'warn', meaning: "The primary's maintenance flag could not be set (outage)." },
  E_CONFIRM_REFUSED: { level: 'error', meaning: 'A runbook was not confirmed: nothing was changed.' },
  E_RUNBOOK_STATE_INVALID: { level: 'error', meaning: 'The runbook state file is not valid JSON.' },
  E_RUNBOOK_STATE_MISMATCH: { level: 'error', meaning: 'The runbook state file lists other steps than this drctl.' },
  E_PROMOTE_BLOCKED: { level: 'error', meaning: 'The replica cannot be promoted in its current status.' },
  E_PROMOTION_TIMEOUT: { level: 'error', meaning: 'The promoted database did not become a writer in time.' },
  E_DB_NO_ENDPOINT: { level: 'error', meaning: 'A DB instance reports no endpoint yet.' },
  E_DB_CONFLICT: { level: 'error', meaning: 'A DB instance with the replica name exists and is not that replica.' },
  E_DB_MISSING: { level: 'error', meaning: 'The database failback needs is missing.' },
  E_DELETE_TIMEOUT: { level: 'error', meaning: 'A DB instance was not deleted in time.' },
  E_REPLICA_CREATE_TIMEOUT: { level: 'error', meaning: 'A read replica was not available in time.' },
  E_LAG_TIMEOUT: { level: 'error', meaning: 'The new replica did not catch up (ReplicaLag 0) in time.' },
  E_GLOBAL_TABLE_UNHEALTHY: { level: 'error', meaning: 'The orders global table or a replica is not ACTIVE.' },
  E_WRITER_ENDPOINT_UNKNOWN: { level: 'error', meaning: 'The primary database reports no endpoint.' },
  E_PRIMARY_HEALTH_TIMEOUT: { level: 'error', meaning: "The primary's health check did not pass in time." },
  E_DNS_FLIP_TIMEOUT: { level: 'error', meaning: 'DNS did not answer with the secondary in time.' },
  E_CAPACITY_TIMEOUT: { level: 'error', meaning: 'The instances did not come in service in time.' },
  E_CONTROLLER_BUSY: { level: 'error', meaning: 'The controller state kept changing while it was reset.' },

  // Failover controller (Lambda)
  E_CONTROLLER_ENV: {
    level: 'error',
    meaning: 'The controller function lacks an environment variable or has a bad one.',
  },
  E_STATE_CONFLICT: { level: 'error', meaning: 'The controller state changed while a promotion step ran.' },

  // Drill
  E_DRILL_MODE: { level: 'error', meaning: '--mode is not a drill mode.' },
  E_DRILL_TIMEOUT: { level: 'error', meaning: '--timeout is not a number of seconds of at least 30.' },
  E_DRILL_DB_CANARY: { level: 'error', meaning: '--db-canary is not auto or off.' },
  DRILL_SIGINT: { level: 'warn', meaning: 'Ctrl-C during a drill: the fault is undone before exiting.' },
  DRILL_PASSED: { level: 'result', meaning: 'The drill met its objectives.' },
  DRILL_FAILED: { level: 'result', meaning: 'The drill missed an objective or could not finish (exit 1).' },
  DRILL_INTERRUPTED: {
    level: ['warn', 'result'],
    meaning: 'The drill was interrupted by the operator (the timeline event, then the outcome).',
  },
  DRILL_CANARY_REPLICATED: { level: 'info', meaning: 'Drill: the canary write reached the other region.' },
  DRILL_CANARY_WRITTEN: { level: 'info', meaning: 'Drill: the canary was written.' },
  DRILL_DNS_FLIPPED: { level: 'info', meaning: 'Drill: DNS answers with the secondary.' },
  DRILL_DNS_RESTORED: { level: 'info', meaning: 'Drill: DNS answers with the primary again.' },
  DRILL_ERROR: { level: 'warn', meaning: 'Drill: the drill stopped on an error; the fault is undone next.' },
  DRILL_FAULT_INJECTED: { level: 'info', meaning: 'Drill: the fault was injected (times count from here).' },
  DRILL_FAULT_RESTORED: { level: ['info', 'warn'], meaning: 'Drill: the fault was undone.' },
  DRILL_RDS_CANARY_UNAVAILABLE: { level: 'warn', meaning: 'Drill: the database canary cannot run.' },
  DRILL_RDS_LAG_AT_FAULT: { level: 'info', meaning: 'Drill: the ReplicaLag when the fault was injected.' },
  DRILL_REPLICA_PROMOTED: { level: 'warn', meaning: 'Drill: the replica was promoted; restoring needs a failback.' },
  DRILL_RESTORE_FAILED: { level: 'warn', meaning: 'Drill: undoing the fault failed.' },
  DRILL_RESTORE_TIMEOUT: { level: 'warn', meaning: 'Drill: undoing the fault did not finish in time.' },
  DRILL_RESTORE_WITHHELD: { level: 'warn', meaning: 'Drill: the fault is deliberately left in place.' },
  DRILL_TIMEOUT: { level: 'warn', meaning: 'Drill: gave up waiting (what for is named).' },
  DRILL_WRITES_FAILING: { level: ['info', 'warn'], meaning: 'Drill: writes started failing.' },
  DRILL_WRITES_RECOVERED: { level: 'info', meaning: 'Drill: writes succeed again.' },

  // Report
  E_REPORT_NO_PRICES: { level: 'error', meaning: 'data/prices holds no dated price table.' },
  E_REPORT_PRICES_INVALID: { level: 'error', meaning: 'The price table is malformed.' },
  E_REPORT_PRICE_MISSING: { level: 'error', meaning: 'The price table lacks a price the report needs.' },
  E_REPORT_USAGE_MISSING: { level: 'error', meaning: 'The price table lacks a usage assumption the report needs.' },
  E_REPORT_LAYER_MISSING: { level: 'error', meaning: 'A layer the report reads is not deployed in that region.' },
  E_REPORT_PARAM_MISSING: { level: 'error', meaning: 'A parameter the report reads has no value.' },
  E_REPORT_PARAM_INVALID: { level: 'error', meaning: 'A parameter the report reads is not a number.' },
  E_REPORT_NO_RECORDS: { level: 'error', meaning: 'No failover or weighted record set: the traffic RTO has no basis.' },
  E_REPORT_TTL_UNKNOWN: { level: 'error', meaning: 'A record set has a TTL the report cannot resolve.' },
  E_REPORT_NO_GLOBAL_TABLE: { level: 'error', meaning: 'No global table with a replica in the secondary: no RPO.' },
  E_REPORT_HTML_UNWRITABLE: { level: 'error', meaning: '--html names a file that cannot be written.' },
  REPORT_HEADER: { level: 'result', meaning: 'drctl report: the environment, regions and objectives.' },
  REPORT_VERDICT: { level: 'result', meaning: 'drctl report: one verdict line per objective.' },
  REPORT_SECTION: { level: 'result', meaning: 'drctl report: a blank line between sections.' },
  REPORT_RTO_PATH: { level: 'result', meaning: 'drctl report: the worst-case RTO of one recovery path.' },
  REPORT_RTO_DESCRIPTION: { level: 'result', meaning: 'drctl report: what a recovery path is.' },
  REPORT_RTO_TERM: { level: 'result', meaning: "drctl report: one term of a path's RTO sum." },
  REPORT_RTO_FIX: { level: 'result', meaning: 'drctl report: a change that would shorten a missed RTO.' },
  REPORT_RTO_NOTE: { level: 'result', meaning: 'drctl report: a note on a recovery path.' },
  REPORT_RPO_STORE: { level: 'result', meaning: 'drctl report: the RPO of one data store.' },
  REPORT_RPO_BASIS: { level: 'result', meaning: 'drctl report: what an RPO figure rests on.' },
  REPORT_READINESS_ITEM: { level: 'result', meaning: 'drctl report: one readiness finding (or none).' },
  REPORT_COST: { level: 'result', meaning: 'drctl report: monthly cost per region.' },
  REPORT_COST_LAYER: { level: 'result', meaning: 'drctl report: monthly cost of one layer.' },
  REPORT_COST_UNPRICED: { level: 'result', meaning: 'drctl report: resource types without a price.' },
  REPORT_HTML_WRITTEN: { level: 'info', meaning: 'The HTML report was written.' },
  REPORT_CHECK_FAILED: { level: 'error', meaning: 'report --check: an objective is missed (exit 1).' },

  // Trading gateway (the service on the instances)
  E_GATEWAY_ENV: { level: 'error', meaning: 'The gateway lacks an environment variable or has a bad one.' },
  E_GATEWAY_START: { level: 'error', meaning: 'The gateway could not start.' },
  GATEWAY_LISTENING: { level: 'info', meaning: 'The gateway listens (address, deadline, write fence).' },
  GATEWAY_STOPPING: { level: 'info', meaning: 'The gateway got a stop signal and drains connections.' },
  GATEWAY_MAINTENANCE_FLAG_UNREADABLE: { level: 'warn', meaning: 'The maintenance flag cannot be read.' },
  GATEWAY_ORDER_CREATED: { level: 'info', meaning: 'An order was written.' },
  GATEWAY_ORDER_REPLAYED: { level: 'info', meaning: 'A retried order was answered from the first write.' },
  GATEWAY_REQUEST_REJECTED: { level: 'info', meaning: 'A request was refused (4xx, the HTTP error code given).' },
  GATEWAY_DEPENDENCY_FAILED: { level: 'error', meaning: 'A dependency failed and the write certainly did not happen.' },
  GATEWAY_OUTCOME_UNKNOWN: {
    level: 'error',
    meaning: 'A dependency timed out: the write may or may not have happened.',
  },
  GATEWAY_INTERNAL_ERROR: { level: 'error', meaning: 'A bug in the gateway (stack trace in the log).' },
  DESTROY_VAULT_COMPLIANCE_LOCK: {
    level: 'warn',
    meaning: 'A backup vault to destroy is in compliance-mode lock: it cannot be undone and blocks deletion.',
  },
  DESTROY_VAULT_GOVERNANCE_LOCK: {
    level: 'warn',
    meaning: 'A backup vault to destroy is in governance-mode lock: recovery points stay until their retention ends.',
  },
  REPORT_RECOVERY_PATH: {
    level: 'result',
    meaning: 'A recovery path beyond failover (logical corruption) and its totals.',
  },
  REPORT_RECOVERY_TERM: { level: 'result', meaning: 'One term of a recovery path, with its source.' },
  REPORT_RECOVERY_STORE: {
    level: 'result',
    meaning: 'A store of the logical-corruption path: its restore point granularity.',
  },
  CANARY_RUN_OK: { level: 'info', meaning: 'The order canary placed and read back its test order within its budget.' },
  CANARY_RUN_FAILED: {
    level: 'error',
    meaning: 'The order canary failed: slow, unreachable, an HTTP error or a mismatch.',
  },
  E_PREFLIGHT: {
    level: 'error',
    meaning: 'Deploy pre-flight found problems; nothing was created (each named with its fix).',
  },
  PREFLIGHT_HOSTED_ZONE: { level: 'info', meaning: 'Pre-flight: the hosted zone exists and holds DomainName.' },
  PREFLIGHT_LAMBDA_CONCURRENCY: {
    level: 'info',
    meaning: 'Pre-flight: reserved Lambda concurrency fits the account quota.',
  },
  PREFLIGHT_SERVICE_LINKED_ROLE_CREATED: {
    level: 'info',
    meaning: 'Pre-flight created a service-linked role a key policy names.',
  },
  E_TRAFFIC_ENTRY_UNKNOWN: { level: 'error', meaning: 'The global stack declares a traffic entry drctl cannot shift.' },
  GATEWAY_HEARTBEAT_FAILED: {
    level: 'warn',
    meaning: 'The gateway could not write its heartbeat row (logged once, then every 12th).',
  },
  GATEWAY_HEARTBEAT_RECOVERED: { level: 'info', meaning: 'The heartbeat writes again after failures.' },
  GATEWAY_HEARTBEAT_STATE: { level: 'info', meaning: 'The heartbeat started, paused (reader or fenced) or resumed.' },
} as const satisfies Record<string, MessageCodeEntry>;

export type MessageCode = keyof typeof MESSAGE_CODES;

// The computed families must each be registered in full: these fail to compile when a member is missing.
type Registered<T extends MessageCode> = T;
type _Families = [
  Registered<DrillEventCode>,
  Registered<`${PrecheckPrefix}_PRECHECK` | `E_${PrecheckPrefix}_PRECHECK` | `${PrecheckPrefix}_PRECHECK_OVERRIDDEN`>,
  Registered<`E_AWS_${Uppercase<AwsServiceName>}`>,
  Registered<`${RunbookPrefix}${RunbookSuffix}`>,
];
type RunbookSuffix =
  | '_RESUMED'
  | '_STEP_START'
  | '_STEP_PROGRESS'
  | '_STEP_DONE'
  | '_STEP_SKIPPED'
  | '_STEP_FAILED'
  | '_COMPLETED'
  | '_SIGINT'
  | '_REPORT'
  | '_STATE'
  | '_PREVIOUS_ARCHIVED';
export type { _Families as MessageCodeFamilies };
