import { fileURLToPath } from 'node:url';

// src/cli/ (tsx) and dist/cli/ (built, installed) both sit two levels below the package root.
const PACKAGE_ROOT = new URL('../../', import.meta.url);

/** A file or folder the package ships (`schemas/`, `topologies/`, `package.json`), wherever it is installed. */
export function packagePath(relative: string): string {
  return fileURLToPath(new URL(relative, PACKAGE_ROOT));
}

/** The shipped `.avsc` files: the order event's schema for `verify`, `inspect` and `demo`. */
export const SHIPPED_SCHEMAS_DIR = packagePath('schemas');

/** The example topology `demo` runs. */
export const SALE_ORDERS_TOPOLOGY = packagePath('topologies/sale-orders.ts');
