// The controller's memory in its own region's DynamoDB table. Every write is conditional on the version read,
// so of two concurrent invocations only one can record a decision (and so only one can start a promotion).
// Plain client-dynamodb with explicit attribute values: the Lambda runtime's SDK provides the client packages, and
// the bundle keeps @aws-sdk/* external.
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsError } from '../steps.js';
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

export function dynamoStateStore(client: DynamoDBClient, tableName: string): StateStore {
  let seq = 0;
  return {
    async load() {
      try {
        const item = (
          await client.send(
            new GetItemCommand({ TableName: tableName, Key: { pk: { S: STATE_KEY } }, ConsistentRead: true }),
          )
        ).Item;
        if (!item?.state?.S) return initialState();
        return {
          ...initialState(),
          ...(JSON.parse(item.state.S) as ControllerState),
          version: Number(item.version?.N ?? 0),
        };
      } catch (err) {
        throw awsError('dynamodb:GetItem', err, `Check the state table ${tableName} in this region.`);
      }
    },
    async save(state, expectedVersion, summary) {
      const body: ControllerState = { ...state, version: expectedVersion + 1 };
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: STATE_KEY },
              version: { N: String(expectedVersion + 1) },
              state: { S: JSON.stringify(body) },
              code: { S: summary.code },
              reason: { S: summary.reason },
              updatedAt: { S: new Date(summary.at).toISOString() },
            },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :expected',
            ...(expectedVersion === 0
              ? {}
              : {
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
                }),
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
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: pk },
              event: { S: record.event },
              at: { S: new Date(record.at).toISOString() },
              record: { S: JSON.stringify(record) },
              expiresAt: { N: String(Math.floor(record.at / 1000) + AUDIT_TTL_SECONDS) },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        throw awsError('dynamodb:PutItem', err, `Check the state table ${tableName} in this region.`);
      }
    },
  };
}
