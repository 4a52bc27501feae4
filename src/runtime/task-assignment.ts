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
 * Places tasks on members: every topic-partition of one task goes to the same member (so a
 * stream-table join's inputs stay together), tasks a member owned before stay with it while that keeps
 * the spread even, and the rest go round-robin in a fixed order so every leader computes the same
 * answer.
 */
export function placeTasks(
  slots: readonly TaskSlot[],
  memberIds: readonly string[],
  previous: ReadonlyMap<string, readonly string[]> = new Map(),
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
