/** What one task has committed: next offset to read per input topic, as the group holds it. */
export interface CommittedInput {
  readonly partition: number;
  readonly committed: ReadonlyMap<string, bigint>;
}

/** Records of one partition to delete: everything below `offset`, `records` offsets more than the log keeps now. */
export interface RecordsToDelete {
  readonly partition: number;
  readonly offset: bigint;
  readonly records: bigint;
}

/**
 * Per repartition topic, per partition: the offset below which the application has committed
 * everything it read (docs/runtime.md, "Purging repartition topics"). Only topics in `repartitionTopics`
 * — internal topics the application's own tasks read — ever appear, so input topics (someone else's
 * data) and changelogs (the stores' only copy) are never purged. Each partition is read by one task of
 * one sub-topology, so its committed offset is the only reader's position.
 */
export function purgeableOffsets(tasks: Iterable<CommittedInput>, repartitionTopics: ReadonlySet<string>): Map<string, Map<number, bigint>> {
  const result = new Map<string, Map<number, bigint>>();
  for (const task of tasks) {
    for (const [topic, offset] of task.committed) {
      if (!repartitionTopics.has(topic) || offset <= 0n) continue;
      let partitions = result.get(topic);
      if (partitions === undefined) {
        partitions = new Map();
        result.set(topic, partitions);
      }
      partitions.set(task.partition, offset);
    }
  }
  return result;
}

/**
 * The deletions worth asking for: partitions whose committed offset is past the log start offset. A
 * partition already purged that far (an idle one) costs no request; a log start offset past the
 * committed offset (someone else deleted more, or retention did) is left alone — deleteRecords never
 * moves the start back, and asking would only earn a warning.
 */
export function recordsToDelete(purgeable: ReadonlyMap<number, bigint>, logStartOffsets: ReadonlyMap<number, bigint>): RecordsToDelete[] {
  const deletions: RecordsToDelete[] = [];
  for (const [partition, offset] of purgeable) {
    const start = logStartOffsets.get(partition);
    if (start === undefined || offset <= start) continue;
    deletions.push({ partition, offset, records: offset - start });
  }
  return deletions.sort((a, b) => a.partition - b.partition);
}
