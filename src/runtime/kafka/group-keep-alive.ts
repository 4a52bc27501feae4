import type { Logger } from '../../common/logger.js';

/** How often the keep-alive offers a heartbeat; kafkajs sends one only when its heartbeat interval has passed. */
const OFFER_EVERY_MS = 1000;

/**
 * Runs `work` while heartbeating the consumer group beside it. kafkajs heartbeats only between batches,
 * so a batch that takes longer than the session timeout (a big fetch on a loaded machine, a batch
 * waiting for a changelog restore after an assignment) would get this instance thrown out of the group
 * and its tasks moved, though it is alive. With the keep-alive the session timeout only has to cover a
 * dead process, which is what lets it be short (docs/reliability.md). kafkajs shares one heartbeat
 * request between callers and sends at most one per heartbeat interval, so offering often costs nothing.
 *
 * A heartbeat answered "rebalance in progress" still keeps the session alive on the broker; kafkajs'
 * own heartbeat after the batch rejoins. Other failures (the broker restarting) are logged once per
 * call; the group machinery of kafkajs reports them on its own path too.
 */
export async function withGroupKeepAlive<T>(heartbeat: () => Promise<void>, logger: Logger, work: () => Promise<T>): Promise<T> {
  let inFlight = false;
  let warned = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    heartbeat()
      .catch((error: unknown) => {
        if (isRebalanceInProgress(error)) {
          logger.debug('the group is rebalancing; this instance rejoins after its current batch');
        } else if (!warned) {
          warned = true;
          logger.warn('a heartbeat during a long batch failed; retrying while the batch runs', { err: error });
        }
      })
      .finally(() => {
        inFlight = false;
      });
  }, OFFER_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function isRebalanceInProgress(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'type' in error && error.type === 'REBALANCE_IN_PROGRESS';
}
