// DynamoDB: table state (global table replicas, key schema) and single-item reads and conditional writes, used by
// the controller's state table, the runbooks' audit records and the drill's canary. Plain client-dynamodb with
// explicit attribute values: the Lambda runtime provides the client packages, and bundles keep @aws-sdk/* external.
import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { ServiceClients } from '../clients.js';
import { awsCallError, errorName, type AwsErrorOptions } from '../errors.js';

export type { AttributeValue } from '@aws-sdk/client-dynamodb';

type DynamoDb = ServiceClients<'dynamodb'>;
export type Item = Record<string, AttributeValue>;

export interface TableView {
  name: string;
  status: string;
  replicas: { region: string; status: string }[];
  /** The key attributes with their scalar types (`S`, `N`, `B`). */
  keySchema: { name: string; type: string }[];
  /** ACTIVE here, and every replica it lists ACTIVE. */
  healthy: boolean;
}

export async function describeTable(aws: DynamoDb, table: string): Promise<TableView> {
  let out;
  try {
    out = await aws.dynamodb.send(new DescribeTableCommand({ TableName: table }));
  } catch (err) {
    throw awsCallError({ operation: 'dynamodb:DescribeTable', resource: table, region: aws.region }, err);
  }
  const t = out.Table;
  const status = t?.TableStatus ?? 'UNKNOWN';
  const replicas = (t?.Replicas ?? []).map((r) => ({
    region: r.RegionName ?? '',
    status: r.ReplicaStatus ?? 'UNKNOWN',
  }));
  const types = new Map((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
  return {
    name: table,
    status,
    replicas,
    keySchema: (t?.KeySchema ?? []).map((k) => ({
      name: k.AttributeName ?? '',
      type: types.get(k.AttributeName) ?? 'S',
    })),
    healthy: status === 'ACTIVE' && replicas.every((r) => r.status === 'ACTIVE'),
  };
}

export async function getItem(
  aws: DynamoDb,
  table: string,
  key: Item,
  opts: { consistent?: boolean; error?: AwsErrorOptions } = {},
): Promise<Item | undefined> {
  try {
    const out = await aws.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: key, ...(opts.consistent ? { ConsistentRead: true } : {}) }),
    );
    return out.Item;
  } catch (err) {
    throw awsCallError({ operation: 'dynamodb:GetItem', resource: table, region: aws.region }, err, opts.error);
  }
}

/** Writes the item; with a condition, `false` when the condition did not hold (someone else wrote first). */
export async function putItem(
  aws: DynamoDb,
  table: string,
  item: Item,
  opts: {
    condition?: Pick<
      PutItemCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >;
    error?: AwsErrorOptions;
  } = {},
): Promise<boolean> {
  try {
    await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: item, ...opts.condition }));
    return true;
  } catch (err) {
    if (opts.condition && errorName(err) === 'ConditionalCheckFailedException') return false;
    throw awsCallError({ operation: 'dynamodb:PutItem', resource: table, region: aws.region }, err, opts.error);
  }
}
