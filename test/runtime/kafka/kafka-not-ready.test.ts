import { describe, expect, it } from 'vitest';
import { KafkaNotReadyError, whenKafkaReady } from '../../../src/runtime/kafka/kafka-not-ready.js';

function brokerError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { type });
}

describe('whenKafkaReady', () => {
  it('asks again while the group coordinator is loading, then returns the answer', async () => {
    let calls = 0;
    const answer = await whenKafkaReady('fetching offsets', async () => {
      calls++;
      if (calls < 3) throw brokerError('COORDINATOR_LOAD_IN_PROGRESS');
      return 'offsets';
    });
    expect(answer).toBe('offsets');
    expect(calls).toBe(3);
  });

  it('sees the broker error kafkajs wraps as the cause of its retry error', async () => {
    let calls = 0;
    const wrapped = Object.assign(new Error('retries exceeded'), { cause: brokerError('NOT_LEADER_FOR_PARTITION') });
    await whenKafkaReady('listing offsets', async () => {
      if (++calls === 1) throw wrapped;
    });
    expect(calls).toBe(2);
  });

  it("asks again for the coordinator answers under kafkajs' names (a group whose coordinator just started)", async () => {
    for (const type of ['GROUP_LOAD_IN_PROGRESS', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR_FOR_GROUP']) {
      let calls = 0;
      await whenKafkaReady('fetching offsets', async () => {
        if (++calls === 1) throw brokerError(type);
      });
      expect(calls, type).toBe(2);
    }
  });

  it('passes any other error on at once', async () => {
    let calls = 0;
    const failure = brokerError('GROUP_AUTHORIZATION_FAILED');
    await expect(
      whenKafkaReady('fetching offsets', async () => {
        calls++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('gives up after the deadline naming what it was doing and the last answer', async () => {
    const attempt = whenKafkaReady('reading the offsets of orders', async () => {
      throw brokerError('LEADER_NOT_AVAILABLE');
    }, 120);
    await expect(attempt).rejects.toBeInstanceOf(KafkaNotReadyError);
    await expect(attempt).rejects.toThrow(/reading the offsets of orders.*LEADER_NOT_AVAILABLE/);
  });
});
