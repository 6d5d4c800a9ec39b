// Orders on the DynamoDB global table. The order id is derived from the client order id, so a conditional
// put (attribute_not_exists) makes submission idempotent: a replay returns the stored order, a different
// payload under the same client order id is a conflict.
import { createHash } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrderRequest } from './order-validation.js';

export interface StoredOrder extends OrderRequest {
  orderId: string;
  status: 'accepted';
  /** Region that accepted the order. */
  region: string;
  createdAt: string;
  /** Hash of the normalized request, to tell a replay from a conflicting reuse of the client order id. */
  requestHash: string;
}

export type CreateResult =
  | { kind: 'created'; order: StoredOrder }
  | { kind: 'replayed'; order: StoredOrder }
  | { kind: 'conflict'; order: StoredOrder };

export const ORDER_ID = /^ord_[0-9a-f]{32}$/;

/** The put was refused because the order exists, and reading it back failed: it exists, but is it this one? */
export class OrderReadBackError extends Error {
  constructor(
    readonly orderId: string,
    readonly failure: unknown,
  ) {
    super(`order ${orderId} exists but reading it back failed: ${(failure as Error)?.message ?? String(failure)}`);
    this.name = (failure as Error)?.name ?? 'OrderReadBackError';
  }
}

export function orderIdFor(clientOrderId: string): string {
  return `ord_${createHash('sha256').update(`client-order:${clientOrderId}`).digest('hex').slice(0, 32)}`;
}

export function requestHash(o: OrderRequest): string {
  const canonical = JSON.stringify([
    o.clientOrderId,
    o.symbol,
    o.side,
    o.type,
    o.quantity,
    o.price ?? null,
    o.timeInForce,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export class OrderStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    private readonly region: string,
    private readonly now: () => number = Date.now,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** `signal` (the request's deadline) ends the put and the read-back, retries included, when it fires. */
  async create(req: OrderRequest, signal?: AbortSignal): Promise<CreateResult> {
    const order: StoredOrder = {
      ...req,
      orderId: orderIdFor(req.clientOrderId),
      status: 'accepted',
      region: this.region,
      createdAt: new Date(this.now()).toISOString(),
      requestHash: requestHash(req),
    };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' }),
        { abortSignal: signal },
      );
      return { kind: 'created', order };
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
    const existing = await this.get(order.orderId, signal).catch((err: unknown) => {
      throw new OrderReadBackError(order.orderId, err);
    });
    // The put failed because the item exists, so a strongly consistent read finds it.
    if (!existing) throw new Error(`order ${order.orderId} exists but could not be read back`);
    return existing.requestHash === order.requestHash
      ? { kind: 'replayed', order: existing }
      : { kind: 'conflict', order: existing };
  }

  async get(orderId: string, signal?: AbortSignal): Promise<StoredOrder | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { orderId }, ConsistentRead: true }), {
      abortSignal: signal,
    });
    return out.Item as StoredOrder | undefined;
  }
}
