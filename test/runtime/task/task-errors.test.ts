import { describe, expect, it } from 'vitest';
import { RecordDeserializationError, RecordProcessingError } from '../../../src/runtime/task/task-errors.js';
import { InvalidJsonError } from '../../../src/serde/serde-errors.js';

const at = { topic: 'orders', partition: 1, offset: '10' };

describe('record error messages', () => {
  it('name the record once when the cause already names it', () => {
    const cause = new InvalidJsonError(at, new SyntaxError('Unexpected end of JSON input'));
    const error = new RecordDeserializationError(at, 'orders-source', cause);
    expect(error.message).toBe(`source 'orders-source' cannot deserialize the record: ${cause.message}`);
    expect(error.message.split('orders/1@10')).toHaveLength(2);
  });

  it('name the record when the cause does not', () => {
    expect(new RecordProcessingError(at, 'map', new Error('13 is unlucky')).message).toBe("node 'map' failed on orders/1@10: 13 is unlucky");
  });
});
