import { fileURLToPath } from 'node:url';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas', import.meta.url));

export interface OrderEvent {
  orderId: string;
  seq: number;
  type: string;
  status: string;
  amount: string;
  userId: string;
  skuId: string;
  occurredAt: number;
  afterExpiry: boolean;
  late: boolean;
  payment: { paymentId: string; channel: string; amount: string; paidAt: number } | null;
  source: { serverId: string; gtid: string; file: string; position: number };
}

export function orderPaid(overrides: Partial<OrderEvent> = {}): OrderEvent {
  return {
    orderId: 'o-1001',
    seq: 2,
    type: 'OrderPaid',
    status: 'PAID',
    amount: '1234.50',
    userId: 'u-7',
    skuId: 'sku-42',
    occurredAt: 1_700_000_060_000,
    afterExpiry: false,
    late: false,
    payment: { paymentId: 'p-9', channel: 'alipay', amount: '1234.50', paidAt: 1_700_000_060_000 },
    source: { serverId: '3', gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:23', file: 'mysql-bin.000012', position: 4711 },
    ...overrides,
  };
}
