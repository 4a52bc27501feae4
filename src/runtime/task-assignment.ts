/** A task to place: one partition of a sub-topology, with the topic-partitions it reads. */
export interface TaskSlot {
  readonly subTopology: number;
  readonly partition: number;
  readonly topics: readonly string[];
}

/** Which task goes to which member: `taskKey` → memberId. */
export type TaskPlacement = ReadonlyMap<string, string>;

export function taskKey(subTopology: number, partition: number): string {
  return `${subTopology}_${partition}`;
}

/**
 * How much of each task's state each member holds locally (`taskKey` → the sum of its stores' changelog
 * offsets, as Kafka Streams' task offset sums): reported by members that keep a standby of the task.
 */
export type TaskFreshness = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Places tasks on members: every topic-partition of one task goes to the same member (so a
 * stream-table join's inputs stay together), tasks a member owned before stay with it while that keeps
 * the spread even; a task without its previous owner goes to the member holding the freshest copy of its
 * state (a standby) if that member has room, and the rest go round-robin in a fixed order so every
 * leader computes the same answer.
 */
export function placeTasks(
  slots: readonly TaskSlot[],
  memberIds: readonly string[],
  previous: ReadonlyMap<string, readonly string[]> = new Map(),
  freshness: TaskFreshness = new Map(),
): TaskPlacement {
  const members = [...memberIds].sort();
  const placement = new Map<string, string>();
  if (members.length === 0) return placement;
  const capacity = Math.ceil(slots.length / members.length);
  const load = new Map<string, number>(members.map((m) => [m, 0]));
  for (const member of members) {
    for (const key of previous.get(member) ?? []) {
      if (placement.has(key) || !slots.some((s) => taskKey(s.subTopology, s.partition) === key)) continue;
      if (load.get(member)! >= capacity) break;
      placement.set(key, member);
      load.set(member, load.get(member)! + 1);
    }
  }
  for (const slot of slots) {
    const key = taskKey(slot.subTopology, slot.partition);
    if (placement.has(key)) continue;
    const holder = freshestHolder(key, members, freshness, (m) => load.get(m)! < capacity);
    if (holder === undefined) continue;
    placement.set(key, holder);
    load.set(holder, load.get(holder)! + 1);
  }
  let next = 0;
  for (const slot of slots) {
    const key = taskKey(slot.subTopology, slot.partition);
    if (placement.has(key)) continue;
    // Least-loaded member, ties broken by the round-robin cursor.
    let chosen = members[next % members.length]!;
    for (const m of members) if (load.get(m)! < load.get(chosen)!) chosen = m;
    next++;
    placement.set(key, chosen);
    load.set(chosen, load.get(chosen)! + 1);
  }
  return placement;
}

/** The member (among those `eligible`) holding the most of a task's state; ties go to the first in order. */
function freshestHolder(key: string, members: readonly string[], freshness: TaskFreshness, eligible: (member: string) => boolean): string | undefined {
  let best: string | undefined;
  let bestOffset = -1;
  for (const member of members) {
    const offset = freshness.get(member)?.get(key);
    if (offset === undefined || offset <= bestOffset || !eligible(member)) continue;
    best = member;
    bestOffset = offset;
  }
  return best;
}

/** Which member keeps which standbys: memberId → task keys. */
export type StandbyPlacement = ReadonlyMap<string, readonly string[]>;

/**
 * Places up to `replicas` standbys of each stateful task (Kafka Streams' num.standby.replicas), never on
 * the member running the task and never twice on one member: first on members already holding a copy
 * of its state (freshest first: moving a standby costs a full restore), then on the members with the
 * fewest standbys. With fewer members than `replicas + 1` a task gets fewer standbys.
 */
export function placeStandbys(
  statefulTasks: readonly string[],
  memberIds: readonly string[],
  active: TaskPlacement,
  replicas: number,
  freshness: TaskFreshness = new Map(),
): StandbyPlacement {
  const members = [...memberIds].sort();
  const standbys = new Map<string, string[]>(members.map((m) => [m, []]));
  if (replicas <= 0) return standbys;
  for (const key of statefulTasks) {
    const taken = new Set<string>();
    const owner = active.get(key);
    if (owner !== undefined) taken.add(owner);
    for (let replica = 0; replica < replicas; replica++) {
      const free = (m: string) => !taken.has(m);
      let chosen = freshestHolder(key, members, freshness, free);
      if (chosen === undefined) {
        for (const m of members) {
          if (free(m) && (chosen === undefined || standbys.get(m)!.length < standbys.get(chosen)!.length)) chosen = m;
        }
      }
      if (chosen === undefined) break;
      taken.add(chosen);
      standbys.get(chosen)!.push(key);
    }
  }
  return standbys;
}
