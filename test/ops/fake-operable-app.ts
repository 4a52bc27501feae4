import type { AppSnapshot, OperableApp, StoreQueryResult } from '../../src/runtime/app-snapshot.js';
import type { StoreOwnersReport } from '../../src/runtime/store-owners.js';

/** A snapshot with hand-written numbers; tests override what they look at. */
export function snapshotOf(overrides: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    applicationId: 'sale-orders',
    instanceId: 'host-a:8080',
    state: 'RUNNING',
    ready: true,
    tasks: [
      {
        taskId: '0_0',
        subTopology: 0,
        partition: 0,
        state: 'RUNNING',
        recordsProcessed: 120,
        processors: { 'cdc-decode': { piecesPending: 3, groupsAbandoned: 1 }, resequence: { eventsHeld: 7, 'watermarkLagMs:shard-1': 250 } },
      },
      { taskId: '0_1', subTopology: 0, partition: 1, state: 'RESTORING', recordsProcessed: 0, processors: {} },
    ],
    recordsIn: { 'dts.sale': 130 },
    recordsOut: { 'sale.order-events': 90, 'sale-orders-orders-changelog': 45 },
    deadLetters: 2,
    commits: { count: 10, totalMs: 1500, lastMs: 120, maxMs: 400 },
    lag: [{ topic: 'dts.sale', partition: 0, lag: 17 }, { topic: 'dts.sale', partition: 1, lag: 0 }],
    restore: [{ taskId: '0_1', store: 'orders', restored: 40, total: 100, done: false }],
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** An OperableApp whose snapshot and store answers the test sets; counts snapshot calls. */
export class FakeOperableApp implements OperableApp {
  current: AppSnapshot = snapshotOf();
  snapshotCalls = 0;
  readonly queries: Array<{ store: string; key: string }> = [];
  answer: (store: string, key: string) => Promise<StoreQueryResult> = () => Promise.resolve({ kind: 'not-found', partition: 0 });
  /** Set by tests of `GET /stores`; left out, the app reports no owners (as an OperableApp may). */
  storeOwners?: () => StoreOwnersReport;

  snapshot(): AppSnapshot {
    this.snapshotCalls += 1;
    return this.current;
  }

  queryStore(store: string, key: string): Promise<StoreQueryResult> {
    this.queries.push({ store, key });
    return this.answer(store, key);
  }
}
