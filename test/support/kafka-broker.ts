// Placeholder until the broker launcher lands (issue: foundation).
export async function startTestBroker(): Promise<{ brokers: string; stop(): Promise<void> }> {
  throw new Error('the test broker launcher is not written yet');
}
