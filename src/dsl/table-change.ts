/**
 * What flows between the nodes of a KTable: a key's new value and the value it replaces (`undefined`
 * for none: an insert, or a delete's new value). Operators downstream need the old value to undo it — a
 * grouped table's subtractor, a join's retraction. `KTable.toStream()` turns changes back into records
 * whose value is the new value (null for a delete).
 */
export interface Change<V> {
  readonly newValue: V | undefined;
  readonly oldValue: V | undefined;
}

export function change<V>(newValue: V | undefined, oldValue: V | undefined): Change<V> {
  return { newValue, oldValue };
}
