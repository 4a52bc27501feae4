import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../common/errors.js';

const SecuredListenersSchema = z.object({
  caFile: z.string().min(1),
  saslSsl: z
    .object({
      brokers: z.string().min(1),
      mechanisms: z.array(z.enum(['scram-sha-256', 'scram-sha-512'])).readonly(),
      users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) })).readonly(),
    })
    .optional(),
  mutualTls: z.object({ brokers: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
});

/** What `kafka start` leaves behind so `status` and `stop` can find the detached broker. */
export const BrokerRecordSchema = z.object({
  pid: z.number().int().positive(),
  brokers: z.string().min(1),
  dataDir: z.string().min(1),
  startedAt: z.string().min(1),
  /** `kafka start --secured`: the secured listeners, so a second `start` can print them again. */
  secured: SecuredListenersSchema.optional(),
});
export type BrokerRecord = z.infer<typeof BrokerRecordSchema>;

export async function readBrokerRecord(file: string): Promise<BrokerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`broker record ${file} is not JSON; delete it and run \`cdc-streams kafka start\` again`, error);
  }
  const result = BrokerRecordSchema.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(`broker record ${file} is malformed (${z.prettifyError(result.error).replace(/\s+/g, ' ')}); delete it and start again`);
  }
  return result.data;
}

/** Written to a side file and renamed, so a reader never sees half a record. */
export async function writeBrokerRecord(file: string, record: BrokerRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  // Owner-only: a secured broker's record holds its SCRAM password.
  await writeFile(staging, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(staging, file);
}

export async function removeBrokerRecord(file: string): Promise<void> {
  await rm(file, { force: true });
}
