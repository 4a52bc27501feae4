import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import { KafkaToolError } from './kafka-tool-errors.js';
import { withAdmin, type ToolOptions } from './with-admin.js';

/**
 * Moves a consumer group's committed offsets on `topic` back to each partition's first offset. Kafka
 * refuses while the group has members, so the application must be stopped first.
 */
export async function resetConsumerGroupOffsets(
  connection: KafkaConnection,
  groupId: string,
  topic: string,
  to: 'earliest',
  options: ToolOptions = {},
): Promise<void> {
  await withAdmin(connection, options, async (admin) => {
    try {
      if (to === 'earliest') await admin.resetOffsetsToEarliest(groupId, topic);
    } catch (error) {
      throw new KafkaToolError(
        `cannot reset the offsets of group '${groupId}' on '${topic}' (is an instance still running?): ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
  });
}

/** Deletes a consumer group; returns false when there was no such group. Fails if it still has members. */
export async function deleteConsumerGroup(connection: KafkaConnection, groupId: string, options: ToolOptions = {}): Promise<boolean> {
  return withAdmin(connection, options, async (admin) => {
    if (!(await admin.listGroups()).includes(groupId)) return false;
    try {
      await admin.deleteGroups([groupId]);
    } catch (error) {
      throw new KafkaToolError(
        `cannot delete consumer group '${groupId}' (is an instance still running?): ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
    }
    return true;
  });
}
