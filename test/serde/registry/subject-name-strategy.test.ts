import { describe, expect, it } from 'vitest';
import { subjectName } from '../../../src/serde/registry/subject-name-strategy.js';

describe('subjectName', () => {
  it('follows the Confluent strategies', () => {
    expect(subjectName('topic', 'sale.order-events', 'sale.OrderEvent', false)).toBe('sale.order-events-value');
    expect(subjectName('topic', 'sale.order-events', 'sale.OrderEvent', true)).toBe('sale.order-events-key');
    expect(subjectName('record', 'sale.order-events', 'sale.OrderEvent', false)).toBe('sale.OrderEvent');
    expect(subjectName('topic-record', 'sale.order-events', 'sale.OrderEvent', false)).toBe('sale.order-events-sale.OrderEvent');
  });
});
