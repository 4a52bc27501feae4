import { mergeSortedKeys } from './byte-order.js';

/**
 * The byte-ordered list of the keys of a Map keyed by latin1 strings, maintained lazily: writes only
 * note what changed (O(1)), and the next scan folds the changes in — the new keys sorted on their
 * own and merged in one pass, removed keys filtered out in one pass. Writes between scans therefore
 * cost O(n + m log m) per scan rather than O(n) per insert, and a bulk load followed by one scan
 * costs one sort.
 *
 * `sorted()` returns a fresh array whenever the index changed, never mutating one it handed out, so
 * a scan in progress keeps a stable view.
 */
export class SortedKeyIndex {
  private keys: string[] = [];
  private added: string[] = [];
  private removed = false;

  /** `key` was not in the map and now is. */
  noteAdded(key: string): void {
    this.added.push(key);
  }

  /** Some key left the map. */
  noteRemoved(): void {
    this.removed = true;
  }

  sorted(has: (key: string) => boolean): readonly string[] {
    if (this.removed) {
      this.keys = this.keys.filter(has);
      this.added = this.added.filter(has);
      this.removed = false;
    }
    if (this.added.length > 0) {
      // Default sort compares UTF-16 code units: byte order for latin1 strings. A key removed and
      // added again may be listed twice (or already be in `keys`); Set and merge drop the duplicates.
      const fresh = [...new Set(this.added)].sort();
      this.keys = this.keys.length === 0 ? fresh : mergeSortedKeys(this.keys, fresh);
      this.added = [];
    }
    return this.keys;
  }

  clear(): void {
    this.keys = [];
    this.added = [];
    this.removed = false;
  }
}
