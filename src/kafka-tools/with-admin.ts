import type { Admin } from 'kafkajs';
import { silentLogger, type Logger } from '../common/logger.js';
import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import { createKafkaClient } from '../runtime/kafka/kafka-client.js';
import { connectExplained } from '../runtime/kafka/kafka-connect-errors.js';

export interface ToolOptions {
  readonly logger?: Logger;
}

/** Runs `work` with a connected admin client and always disconnects it, keeping `work`'s error. */
export async function withAdmin<T>(connection: KafkaConnection, options: ToolOptions, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafkaClient(connection, options.logger ?? silentLogger, '-admin').admin();
  await connectExplained(admin, connection);
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
