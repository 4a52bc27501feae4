import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/cli/load-topology.js';
import { SALE_ORDERS_TOPOLOGY, SHIPPED_SCHEMAS_DIR } from '../../src/cli/package-paths.js';

describe('the files the package ships, as demo, verify and inspect find them', () => {
  it('are found from where the CLI is, not from the working directory', () => {
    expect(isAbsolute(SALE_ORDERS_TOPOLOGY)).toBe(true);
    expect(existsSync(SALE_ORDERS_TOPOLOGY)).toBe(true);
    expect(existsSync(`${SHIPPED_SCHEMAS_DIR}/order-event.avsc`)).toBe(true);
  });

  it('include a sale-orders topology that loads with the schemas beside it', async () => {
    const loaded = await loadTopology(SALE_ORDERS_TOPOLOGY, { params: { inputTopic: 'dts.sale-demo-1', outputTopic: 'sale.order-events-demo-1' } });
    expect(loaded.ok).toBe(true);
  });
});
