import type { AppSnapshot, AppState } from '../runtime/app-snapshot.js';
import { jsonReply, type OpsReply } from './ops-reply.js';

// A rebalance is routine and brief; readiness alone decides there. The others mean "not serving".
const SERVING_STATES: ReadonlySet<AppState> = new Set(['RUNNING', 'REBALANCING']);

/**
 * `GET /health`: 200 when the application is ready (every task restored and running), else 503 with
 * the same body, so a load balancer or readiness probe holds traffic while state restores.
 */
export function healthReply(snapshot: AppSnapshot): OpsReply {
  const up = snapshot.ready && SERVING_STATES.has(snapshot.state);
  const tasks: Record<string, number> = {};
  for (const task of snapshot.tasks) tasks[task.state] = (tasks[task.state] ?? 0) + 1;
  return jsonReply(up ? 200 : 503, {
    status: up ? 'UP' : 'DOWN',
    state: snapshot.state,
    ready: snapshot.ready,
    applicationId: snapshot.applicationId,
    instanceId: snapshot.instanceId,
    tasks,
    restoring: snapshot.restore
      .filter((r) => !r.done)
      .map((r) => ({ task: r.taskId, store: r.store, restored: r.restored, total: r.total })),
  });
}
