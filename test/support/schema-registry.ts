// Placeholder until the registry launcher lands (issue: serdes and schemas).
export async function startTestRegistry(): Promise<{ url: string; stop(): Promise<void> }> {
  return { url: process.env.SCHEMA_REGISTRY_URL ?? '', stop: async () => undefined };
}
