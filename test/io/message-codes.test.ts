// The message-code registry against the source: every code the source emits is registered (the compiler checks the
// typed sites; this also catches strings that reach a code by another way), every entry is emitted somewhere, the level
// written beside a code is one the registry gives it, and docs/message-codes.md is the registry's current rendering.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AWS_SERVICES,
  DRILL_EVENTS,
  drillEventCode,
  MESSAGE_CODES,
  type MessageCodeEntry,
} from '../../src/io/message-codes.js';
import { MESSAGE_CODES_DOC, messageCodesMarkdown } from '../../src/io/message-codes-doc.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const REGISTRY_FILE = 'src/io/message-codes.ts';
const REGISTRY = MESSAGE_CODES as Record<string, MessageCodeEntry>;

/**
 * Code-shaped strings in src/ that are not message codes, by what they are. A new code-shaped string must either be
 * registered or listed here, so a code cannot slip past the registry by being built in an untyped place.
 */
const NOT_MESSAGE_CODES: Record<string, string[]> = {
  'CloudFormation stack and change-set states, capabilities': [
    'CREATE_COMPLETE',
    'CREATE_FAILED',
    'DELETE_COMPLETE',
    'DELETE_FAILED',
    'DELETE_IN_PROGRESS',
    'EXECUTE_IN_PROGRESS',
    'REVIEW_IN_PROGRESS',
    'ROLLBACK_COMPLETE',
    'ROLLBACK_FAILED',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'UPDATE_ROLLBACK_FAILED',
    'CAPABILITY_AUTO_EXPAND',
    'CAPABILITY_IAM',
    'CAPABILITY_NAMED_IAM',
  ],
  'drctl status: the state of a stack that does not exist': ['NOT_DEPLOYED'],
  'Route 53 health check types (the report prices them)': ['STR_MATCH'],
  'environment variables (drctl, the controller, the gateway, the rotation Lambda) and AWS_ENDPOINT_URL_<SERVICE>': [
    'ALERT_TOPIC_ARN',
    'ASG_NAME',
    'AUTO_SCALING',
    'AWS_ENDPOINT_URL',
    'AWS_PROFILE',
    'AWS_REGION',
    'DB_ENDPOINT',
    'DB_IDENTIFIER',
    'DB_PORT',
    'DB_SECRET_ARN',
    'DB_TIMEOUT_MS',
    'ELASTIC_LOAD_BALANCING_V2',
    'ENVIRONMENT_SUFFIX',
    'EXCLUDE_CHARACTERS',
    'FAILOVER_CAPACITY',
    'FAILOVER_RECORD_NAME',
    'GATEWAY_LISTEN_ADDRESS',
    'GATEWAY_PORT',
    'GATEWAY_REQUEST_DEADLINE_MS',
    'HEALTH_CACHE_MS',
    'HEALTH_CHECK_TIMEOUT_MS',
    'LAG_MAX_AGE_SECONDS',
    'MAINTENANCE_FLAG_MAX_AGE_MS',
    'MAINTENANCE_PARAMETER',
    'ORDERS_TABLE',
    'PASSWORD_LENGTH',
    'PEER_ALB_DNS_NAME',
    'PEER_HEALTH_URL',
    'PROBE_TIMEOUT_MS',
    'REGION_ROLE',
    'REPAGE_SECONDS',
    'ROUTE_53',
    'RPO_GUARD_SECONDS',
    'SCHEDULE_MINUTES',
    'SECRETS_MANAGER',
    'SELF_ALB_DNS_NAME',
    'SELF_HEALTH_URL',
    'STATE_TABLE',
    'WAIT_BUDGET_MS',
    'WINDOW_SECONDS',
    'WRITER_ENDPOINT_PARAMETER',
  ],
  "the failover controller's decision codes (its audit records, state summary and pages)": [
    'ALREADY_PROMOTED',
    'ALREADY_WRITER',
    'DATABASE_UNKNOWN',
    'DNS_NOT_FAILED_OVER',
    'LAG_MISSING',
    'LAG_STALE',
    'LAG_TOO_HIGH',
    'LOCAL_WRITER',
    'PEER_ALIVE_DNS_FAILED_OVER',
    'PEER_DOWN',
    'PEER_HEALTHY',
    'PEER_IS_WRITER',
    'PROMOTION_COMPLETED',
    'PROMOTION_DISABLED',
    'PROMOTION_IN_PROGRESS',
    'PROMOTION_REQUESTED',
    'REPLICA_NOT_AVAILABLE',
    'SELF_UNHEALTHY',
    'SIGNALS_DISAGREE',
    'SIGNALS_MISSING',
    'STEP_DONE',
    'WINDOW_NOT_ELAPSED',
  ],
  "the trading gateway's HTTP error codes (its API's response bodies)": [
    'BODY_TOO_LARGE',
    'CLIENT_ORDER_ID_CONFLICT',
    'DEPENDENCY_TIMEOUT',
    'DEPENDENCY_UNAVAILABLE',
    'HEADERS_TOO_LARGE',
    'INTERNAL_ERROR',
    'INVALID_JSON',
    'INVALID_ORDER',
    'INVALID_ORDER_ID',
    'INVALID_PATH_ENCODING',
    'INVALID_REQUEST_TARGET',
    'MALFORMED_REQUEST',
    'METHOD_NOT_ALLOWED',
    'NOT_FOUND',
    'ORDER_NOT_FOUND',
    'OUTCOME_UNKNOWN',
    'REQUEST_TIMEOUT',
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  'environment variables of the gateway and the canary': [
    'HEARTBEAT_INTERVAL_SECONDS',
    'TARGET_URL',
    'LATENCY_BUDGET_MS',
  ],
  'Route 53 limit types and ACM certificate states (pre-flight)': [
    'MAX_HEALTH_CHECKS_BY_OWNER',
    'MAX_RRSETS_BY_ZONE',
    'PENDING_VALIDATION',
  ],
  'Node.js error codes': ['ABORT_ERR', 'EAI_AGAIN', 'ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADER_OVERFLOW'],
};

interface Source {
  file: string;
  text: string;
}

async function sources(dir: string): Promise<Source[]> {
  const out: Source[] = [];
  for (const entry of await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (file !== REGISTRY_FILE) out.push({ file, text: await readFile(path.join(ROOT, file), 'utf8') });
  }
  return out;
}

/** Quoted strings shaped like a code: `DEPLOY_RESULT`, `OUTPUT`, and templates such as `${P}_STEP_START`. */
function codeStrings(src: Source[]): { literals: Map<string, string>; templates: Map<string, string> } {
  const literals = new Map<string, string>();
  const templates = new Map<string, string>();
  for (const { file, text } of src) {
    for (const m of text.matchAll(/(['"`])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\1/g)) literals.set(m[2]!, file);
    for (const m of text.matchAll(/`((?:[A-Z0-9_]|\$\{[^}]*\})*\$\{[^}]*\}(?:[A-Z0-9_]|\$\{[^}]*\})*)`/g))
      if (/[A-Z]_|_[A-Z]/.test(m[1]!.replace(/\$\{[^}]*\}/g, ''))) templates.set(m[1]!, file);
  }
  return { literals, templates };
}

const templatePattern = (t: string) =>
  new RegExp(
    `^${t
      .replace(/\$\{[^}]*\}/g, '\0')
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\0/g, '[A-Z0-9_]+')}$`,
  );

describe('message-code registry', () => {
  it('every code-shaped string in src/ is a registered code or listed as something else', async () => {
    const { literals, templates } = codeStrings(await sources('src'));
    const others = new Set(Object.values(NOT_MESSAGE_CODES).flat());
    const unregistered = [...literals]
      .filter(([s]) => s.includes('_') && !(s in REGISTRY) && !others.has(s))
      .map(([s, file]) => `${s} (${file})`);
    expect(unregistered, 'register these in src/io/message-codes.ts, or list them above').toEqual([]);
    // A computed code must produce registered codes only (the environment-variable family is the one exception).
    const loose = [...templates]
      .filter(([t]) => !t.startsWith('AWS_ENDPOINT_URL_'))
      .filter(([t]) => !Object.keys(REGISTRY).some((c) => templatePattern(t).test(c)))
      .map(([t, file]) => `\`${t}\` (${file})`);
    expect(loose).toEqual([]);
    // What it lists as something else is really in the source (no stale exemptions).
    expect([...others].filter((s) => !literals.has(s))).toEqual([]);
    expect([...others].filter((s) => s in REGISTRY)).toEqual([]);
  });

  it('every registered code is emitted somewhere (no dead entries)', async () => {
    const src = await sources('src');
    const { literals, templates } = codeStrings(src);
    const all = src.map((s) => s.text).join('\n');
    const drillCodes = new Map(DRILL_EVENTS.map((e) => [drillEventCode(e) as string, e]));
    const dead = Object.keys(REGISTRY).filter((code) => {
      // A drill event's code is alive when the drill records the event.
      const event = drillCodes.get(code);
      if (event && new RegExp(`record\\(\\s*'${event}'`).test(all)) return false;
      // The default AWS error code of a service is alive when some call names the service.
      const service = AWS_SERVICES.find((s) => code === `E_AWS_${s.toUpperCase()}`);
      if (service && all.includes(`'${service}:`)) return false;
      if (literals.has(code)) return false;
      return ![...templates.keys()].some(
        (t) => !t.startsWith('E_AWS_') && !t.startsWith('DRILL_') && templatePattern(t).test(code),
      );
    });
    expect(dead, 'remove these from src/io/message-codes.ts, or emit them').toEqual([]);
  });

  it('every drill event and AWS service in the families has its entry', () => {
    for (const e of DRILL_EVENTS) expect(REGISTRY, e).toHaveProperty(drillEventCode(e));
    for (const s of AWS_SERVICES) expect(REGISTRY, s).toHaveProperty(`E_AWS_${s.toUpperCase()}`);
  });

  it('the level written beside a code is one the registry gives it; errors are E_ codes at error level', async () => {
    const wrong: string[] = [];
    for (const { file, text } of await sources('src'))
      for (const m of text.matchAll(/code: '([A-Z0-9_]+)',\s*level: '(\w+)'/g)) {
        const entry = REGISTRY[m[1]!];
        if (entry && ![entry.level].flat().includes(m[2] as never)) wrong.push(`${m[1]} at ${m[2]} (${file})`);
      }
    expect(wrong).toEqual([]);
    for (const [code, entry] of Object.entries(REGISTRY)) {
      if (code.startsWith('E_')) expect(entry.level, code).toBe('error');
      expect(entry.meaning, code).toMatch(/^\S.*\.$/);
      expect(entry.meaning, code).not.toContain('\n');
    }
  });

  it(`${MESSAGE_CODES_DOC} is the registry's current rendering (npm run message-codes)`, async () => {
    const doc = await readFile(path.join(ROOT, MESSAGE_CODES_DOC), 'utf8');
    expect(doc).toBe(messageCodesMarkdown());
    for (const code of Object.keys(REGISTRY)) expect(doc).toContain(`| \`${code}\` |`);
  });
});
