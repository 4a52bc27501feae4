import type { StoreSize } from './app-snapshot.js';
import type { StreamTask } from './task/stream-task.js';

/** Each store of each task, as the store estimates it: entries and bytes. Reads the stores; call when asked. */
export async function storeSizesOf(tasks: Iterable<StreamTask>): Promise<StoreSize[]> {
  const sizes: StoreSize[] = [];
  for (const task of tasks) {
    for (const name of task.storeNames()) {
      const store = task.managedStore(name);
      if (store === undefined) continue;
      sizes.push({ taskId: task.taskId, store: name, entries: await store.approximateNumEntries(), bytes: await store.approximateSizeBytes() });
    }
  }
  return sizes;
}
