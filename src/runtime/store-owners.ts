import type { Topology } from '../topology/topology.js';
import { taskKey } from './task-assignment.js';

/** One partition of a store and the instance that holds it. */
export interface StorePartitionOwner {
  readonly partition: number;
  readonly taskId: string;
  /**
   * `host:port` of the owning instance's ops server; null when no instance with an ops server holds
   * it (not assigned yet, or held by an instance started without one).
   */
  readonly owner: string | null;
  /** This instance runs the task now (and answers for its keys). */
  readonly local: boolean;
}

export interface StoreOwners {
  readonly store: string;
  /** A global store: every instance holds all of it (ask any); `partitions` is then empty. */
  readonly global: boolean;
  readonly partitions: readonly StorePartitionOwner[];
}

/** Which instance holds which partition of each queryable store (`GET /stores`), as this instance knows it. */
export interface StoreOwnersReport {
  readonly applicationId: string;
  /** This instance's endpoint (`host:port`), as shared with the group; null without an ops server. */
  readonly self: string | null;
  /** False until this instance has read its first assignment: owners other than itself are then unknown. */
  readonly known: boolean;
  /** Every instance of the group with an endpoint, sorted. */
  readonly instances: readonly string[];
  readonly stores: readonly StoreOwners[];
}

/** The group's last assignment as this instance read it: task key → owner's endpoint (null: none). */
export interface TaskOwnership {
  readonly owners: Readonly<Record<string, string | null>>;
  readonly endpoints?: readonly string[];
}

export interface StoreOwnersInput {
  readonly topology: Topology;
  readonly applicationId: string;
  /** Tasks (partitions) per sub-topology id. */
  readonly taskCounts: ReadonlyMap<number, number>;
  readonly ownership: TaskOwnership | undefined;
  readonly self: string | undefined;
  /** Task keys this instance runs now. */
  readonly localTasks: ReadonlySet<string>;
}

/** Builds the owners report from the last assignment and the tasks running here. */
export function storeOwnersReport(input: StoreOwnersInput): StoreOwnersReport {
  const { topology, ownership, localTasks } = input;
  const self = input.self ?? null;
  const stores: StoreOwners[] = [];
  for (const sub of topology.subTopologies) {
    const partitions: StorePartitionOwner[] = [];
    for (let partition = 0; partition < partitionCount(sub.id, input.taskCounts, ownership); partition++) {
      const key = taskKey(sub.id, partition);
      const local = localTasks.has(key);
      const assigned = ownership?.owners[key];
      partitions.push({ partition, taskId: key, owner: assigned !== undefined ? assigned : local ? self : null, local });
    }
    for (const store of sub.stores) stores.push({ store, global: false, partitions });
  }
  for (const store of topology.globalStores.keys()) stores.push({ store, global: true, partitions: [] });
  return {
    applicationId: input.applicationId,
    self,
    known: ownership !== undefined,
    instances: instancesOf(ownership, self),
    stores: stores.sort((a, b) => a.store.localeCompare(b.store)),
  };
}

/** The larger of the task count read at start and what the assignment names (the input may have grown). */
function partitionCount(subTopology: number, taskCounts: ReadonlyMap<number, number>, ownership: TaskOwnership | undefined): number {
  let count = taskCounts.get(subTopology) ?? 0;
  const prefix = `${subTopology}_`;
  for (const key of Object.keys(ownership?.owners ?? {})) {
    if (key.startsWith(prefix)) count = Math.max(count, Number(key.slice(prefix.length)) + 1);
  }
  return count;
}

function instancesOf(ownership: TaskOwnership | undefined, self: string | null): string[] {
  const all = new Set<string>(ownership?.endpoints ?? []);
  for (const owner of Object.values(ownership?.owners ?? {})) if (owner !== null) all.add(owner);
  if (self !== null) all.add(self);
  return [...all].sort();
}

/**
 * Who to ask for a task this instance does not run: the owner's endpoint, or no one yet, with why —
 * the group is rebalancing (or this instance has not read an assignment yet), the task was assigned
 * here and is still starting, or its owner has no ops server.
 */
export function remoteOwner(ownership: TaskOwnership | undefined, key: string, self: string | undefined): { readonly owner: string | undefined; readonly reason?: string } {
  const owner = ownership?.owners[key];
  if (owner === undefined) return { owner: undefined, reason: 'no instance owns this partition right now (rebalancing); retry shortly' };
  if (owner === null) return { owner: undefined, reason: 'the instance that holds this partition has no ops server (start it with --http-port), so it cannot be asked' };
  if (owner === self) return { owner: undefined, reason: 'this instance was just assigned this partition and is still starting it (restoring its stores); retry shortly' };
  return { owner };
}
