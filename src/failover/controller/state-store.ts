// The controller's memory in its own region's DynamoDB table. Every write is conditional on the version read,
// so of two concurrent invocations only one can record a decision (and so only one can start a promotion).
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsError } from '../steps.js';
import { initialState, type ControllerState } from './model.js';

export const STATE_KEY = 'controller';
/** Audit items expire after this long (the table's TTL attribute is `expiresAt`). */
const AUDIT_TTL_SECONDS = 90 * 24 * 3600;

export interface StateStore {
  load(): Promise<ControllerState>;
  /** Writes `state` as version `expectedVersion + 1`; false when someone else wrote first. */
  save(state: ControllerState, expectedVersion: number, summary: { code: string; reason: string; at: number }): Promise<boolean>;
  audit(record: Record<string, unknown> & { at: number; event: string }): Promise<void>;
}

export function dynamoStateStore(client: DynamoDBClient, tableName: string): StateStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  let seq = 0;
  return {
    async load() {
      try {
        const item = (await doc.send(new GetCommand({ TableName: tableName, Key: { pk: STATE_KEY }, ConsistentRead: true }))).Item;
        if (!item) return initialState();
        return { ...initialState(), ...(JSON.parse(String(item.state)) as ControllerState), version: Number(item.version) };
      } catch (err) {
        throw awsError('dynamodb:GetItem', err, `Check the state table ${tableName} in this region.`);
      }
    },
    async save(state, expectedVersion, summary) {
      const body: ControllerState = { ...state, version: expectedVersion + 1 };
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: STATE_KEY, version: expectedVersion + 1, state: JSON.stringify(body), code: summary.code, reason: summary.reason, updatedAt: new Date(summary.at).toISOString() },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :expected',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        );
        return true;
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
        throw awsError('dynamodb:PutItem', err, `Check the state table ${tableName} in this region.`);
      }
    },
    async audit(record) {
      const pk = `audit#${new Date(record.at).toISOString()}#${process.pid}-${++seq}`;
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...record, pk, at: new Date(record.at).toISOString(), expiresAt: Math.floor(record.at / 1000) + AUDIT_TTL_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        throw awsError('dynamodb:PutItem', err, `Check the state table ${tableName} in this region.`);
      }
    },
  };
}
