import { describe, expect, it } from 'vitest';
import { SaleOrdersParamError } from '../../../topologies/sale-orders/sale-orders-errors.js';
import { parseSaleOrdersParams } from '../../../topologies/sale-orders/sale-orders-params.js';

describe('parseSaleOrdersParams', () => {
  it('defaults: dts.sale in, sale.order-events out, 30 minutes, wait with no wall-clock bound', () => {
    expect(parseSaleOrdersParams({})).toEqual({
      format: 'dts',
      inputTopic: 'dts.sale',
      topicPrefix: 'sale-db',
      heartbeatTopic: undefined,
      outputTopic: 'sale.order-events',
      paymentTimeoutMs: 1_800_000,
      holdPolicy: 'wait',
      maxHoldMs: undefined,
      projectColumns: true,
      sourceTimeZone: 'UTC',
    });
  });

  it('reads every parameter; emit-and-flag gets a 60 s bound unless maxHoldMs says otherwise', () => {
    expect(
      parseSaleOrdersParams({ inputTopic: 'in', outputTopic: 'out', paymentTimeoutMinutes: '0.5', holdPolicy: 'emit-and-flag', projectColumns: 'false' }),
    ).toEqual({
      format: 'dts',
      inputTopic: 'in',
      topicPrefix: 'sale-db',
      heartbeatTopic: undefined,
      outputTopic: 'out',
      paymentTimeoutMs: 30_000,
      holdPolicy: 'emit-and-flag',
      maxHoldMs: 60_000,
      projectColumns: false,
      sourceTimeZone: 'UTC',
    });
    expect(parseSaleOrdersParams({ sourceTimeZone: 'Asia/Shanghai' }).sourceTimeZone).toBe('Asia/Shanghai');
    expect(parseSaleOrdersParams({ format: 'debezium', topicPrefix: 'shop', heartbeatTopic: '__debezium-heartbeat.shop' })).toMatchObject({
      format: 'debezium',
      topicPrefix: 'shop',
      heartbeatTopic: '__debezium-heartbeat.shop',
    });
    expect(parseSaleOrdersParams({ holdPolicy: 'emit-and-flag', maxHoldMs: '5000' }).maxHoldMs).toBe(5000);
  });

  it('names the parameter and the bad value', () => {
    expect(() => parseSaleOrdersParams({ holdPolicy: 'hurry' })).toThrow(SaleOrdersParamError);
    expect(() => parseSaleOrdersParams({ holdPolicy: 'hurry' })).toThrow("holdPolicy must be one of wait, emit-and-flag, got 'hurry'");
    expect(() => parseSaleOrdersParams({ paymentTimeoutMinutes: '-3' })).toThrow("paymentTimeoutMinutes must be a positive number, got '-3'");
    expect(() => parseSaleOrdersParams({ paymentTimeoutMinutes: 'thirty' })).toThrow('paymentTimeoutMinutes');
    expect(() => parseSaleOrdersParams({ outputTopic: 'sale events' })).toThrow("outputTopic 'sale events' is not a Kafka topic name");
    expect(() => parseSaleOrdersParams({ projectColumns: 'yes' })).toThrow("projectColumns must be true or false, got 'yes'");
    expect(() => parseSaleOrdersParams({ format: 'maxwell' })).toThrow("format must be one of dts, debezium, got 'maxwell'");
    expect(() => parseSaleOrdersParams({ sourceTimeZone: 'Mars/Olympus' })).toThrow("sourceTimeZone: 'Mars/Olympus' is not a time zone");
  });
});
