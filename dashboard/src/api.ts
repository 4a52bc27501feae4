import type { DashboardUpdate, TopologyPanel } from '../../src/ops/dashboard/dashboard-types.js';

export type { DashboardUpdate, TopologyPanel };

/** The topology does not change while the application runs: read once. */
export async function fetchTopology(): Promise<TopologyPanel> {
  const response = await fetch('/api/topology');
  if (!response.ok) throw new Error(`GET /api/topology answered ${response.status}`);
  return (await response.json()) as TopologyPanel;
}

export type Connection = 'connecting' | 'live' | 'reconnecting';

/**
 * Live updates from /api/events. EventSource reconnects by itself (the server sets `retry`), e.g. while
 * a killed instance restarts on the same port.
 */
export function subscribe(onUpdate: (update: DashboardUpdate) => void, onConnection: (state: Connection) => void): () => void {
  const source = new EventSource('/api/events');
  source.onopen = () => onConnection('live');
  source.onerror = () => onConnection('reconnecting');
  source.onmessage = (event: MessageEvent<string>) => onUpdate(JSON.parse(event.data) as DashboardUpdate);
  return () => source.close();
}
