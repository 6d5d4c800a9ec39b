// The controller's memory in its own region's DynamoDB table. Every write is conditional on the version read,
// so of two concurrent invocations only one can record a decision (and so only one can start a promotion).
import type { ServiceClients } from '../../aws/clients.js';
import { getItem, putItem } from '../../aws/services/dynamodb.js';
import { initialState, type ControllerState } from './model.js';

export const STATE_KEY = 'controller';
/** Audit items expire after this long (the table's TTL attribute is `expiresAt`). */
const AUDIT_TTL_SECONDS = 90 * 24 * 3600;

export interface StateStore {
  load(): Promise<ControllerState>;
  /** Writes `state` as version `expectedVersion + 1`; false when someone else wrote first. */
  save(
    state: ControllerState,
    expectedVersion: number,
    summary: { code: string; reason: string; at: number },
  ): Promise<boolean>;
  audit(record: Record<string, unknown> & { at: number; event: string }): Promise<void>;
}

export function dynamoStateStore(aws: ServiceClients<'dynamodb'>, tableName: string): StateStore {
  const error = { fix: `Check the state table ${tableName} in ${aws.region}.` };
  let sequence = 0;
  return {
    async load() {
      const item = await getItem(aws, tableName, { pk: { S: STATE_KEY } }, { consistent: true, error });
      if (!item?.state?.S) return initialState();
      return {
        ...initialState(),
        ...(JSON.parse(item.state.S) as ControllerState),
        version: Number(item.version?.N ?? 0),
      };
    },
    save(state, expectedVersion, summary) {
      const body: ControllerState = { ...state, version: expectedVersion + 1 };
      return putItem(
        aws,
        tableName,
        {
          pk: { S: STATE_KEY },
          version: { N: String(expectedVersion + 1) },
          state: { S: JSON.stringify(body) },
          code: { S: summary.code },
          reason: { S: summary.reason },
          updatedAt: { S: new Date(summary.at).toISOString() },
        },
        {
          error,
          condition:
            expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#v = :expected',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
                },
        },
      );
    },
    async audit(record) {
      const pk = `audit#${new Date(record.at).toISOString()}#${process.pid}-${++sequence}`;
      await putItem(
        aws,
        tableName,
        {
          pk: { S: pk },
          event: { S: record.event },
          at: { S: new Date(record.at).toISOString() },
          record: { S: JSON.stringify(record) },
          expiresAt: { N: String(Math.floor(record.at / 1000) + AUDIT_TTL_SECONDS) },
        },
        { error, condition: { ConditionExpression: 'attribute_not_exists(pk)' } },
      );
    },
  };
}
