import { silentLogger, type Logger } from '../common/logger.js';
import type { KafkaConnection } from '../runtime/kafka-connection-config.js';
import { connectAdmin, type KafkaAdminClient } from '../runtime/kafka/client-facade.js';

export interface ToolOptions {
  readonly logger?: Logger;
}

/** Runs `work` with a connected admin client and always disconnects it, keeping `work`'s error. */
export async function withAdmin<T>(connection: KafkaConnection, options: ToolOptions, work: (admin: KafkaAdminClient) => Promise<T>): Promise<T> {
  const admin = await connectAdmin(connection, options.logger ?? silentLogger);
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
