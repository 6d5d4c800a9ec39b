// Validates a POST /orders body into a normalized order request, collecting every problem with its field.

export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'limit' | 'market';
  quantity: number;
  /** Limit orders only. */
  price?: number;
  timeInForce: 'DAY' | 'IOC' | 'GTC';
}

export interface FieldProblem {
  field: string;
  message: string;
}

export type Validation = { ok: true; order: OrderRequest } | { ok: false; problems: FieldProblem[] };

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SYMBOL = /^[A-Z][A-Z0-9.]{0,11}$/;
const MAX_QTY = 1_000_000_000;
const KNOWN = new Set(['clientOrderId', 'symbol', 'side', 'type', 'quantity', 'price', 'timeInForce']);

function oneOf<T extends string>(v: unknown, allowed: readonly T[]): v is T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v);
}

export function validateOrder(body: unknown): Validation {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object' }] };
  const b = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(b)) if (!KNOWN.has(k)) problems.push({ field: k, message: 'unknown field' });
  if (typeof b.clientOrderId !== 'string' || !CLIENT_ID.test(b.clientOrderId))
    problems.push({ field: 'clientOrderId', message: 'required: 1-64 characters of A-Z a-z 0-9 . _ : -' });
  if (typeof b.symbol !== 'string' || !SYMBOL.test(b.symbol))
    problems.push({
      field: 'symbol',
      message: 'required: 1-12 upper-case letters, digits or dots, starting with a letter',
    });
  if (!oneOf(b.side, ['buy', 'sell'] as const)) problems.push({ field: 'side', message: 'required: "buy" or "sell"' });
  const type = b.type ?? 'limit';
  if (!oneOf(type, ['limit', 'market'] as const))
    problems.push({ field: 'type', message: '"limit" (default) or "market"' });
  if (typeof b.quantity !== 'number' || !Number.isInteger(b.quantity) || b.quantity <= 0 || b.quantity > MAX_QTY)
    problems.push({ field: 'quantity', message: `required: a whole number from 1 to ${MAX_QTY}` });
  if (type === 'limit') {
    // Prices are decimals with at most 4 places; checking via the string form avoids float surprises.
    if (
      typeof b.price !== 'number' ||
      !Number.isFinite(b.price) ||
      b.price <= 0 ||
      b.price > MAX_QTY ||
      !/^\d+(\.\d{1,4})?$/.test(String(b.price))
    )
      problems.push({
        field: 'price',
        message: 'required for limit orders: a positive number with at most 4 decimal places',
      });
  } else if (b.price !== undefined) problems.push({ field: 'price', message: 'must be absent for market orders' });
  const tif = b.timeInForce ?? 'DAY';
  if (!oneOf(tif, ['DAY', 'IOC', 'GTC'] as const))
    problems.push({ field: 'timeInForce', message: '"DAY" (default), "IOC" or "GTC"' });
  if (problems.length) return { ok: false, problems };
  const order: OrderRequest = {
    clientOrderId: b.clientOrderId as string,
    symbol: b.symbol as string,
    side: b.side as OrderRequest['side'],
    type: type as OrderRequest['type'],
    quantity: b.quantity as number,
    timeInForce: tif as OrderRequest['timeInForce'],
    ...(type === 'limit' ? { price: b.price as number } : {}),
  };
  return { ok: true, order };
}
