/**
 * Where processors keep a task's committed input offsets back (an open chunk group or transaction that
 * must be read again after a crash), per input topic: a hold placed while a record of topic T is
 * processed keeps back T only, so two inputs merged in one task never commit one at the other's offset.
 * A hold placed outside a record (in a punctuation) applies to every input topic.
 */
export class OffsetHolds {
  private readonly byTopic = new Map<string, Map<string, bigint>>();

  constructor(private readonly topics: readonly string[]) {}

  /** `offset` undefined releases the node's hold (on `topic`, or on every topic). */
  set(nodeName: string, topic: string | undefined, offset: string | undefined): void {
    for (const t of topic === undefined ? this.topics : [topic]) {
      let holds = this.byTopic.get(t);
      if (offset === undefined) {
        holds?.delete(nodeName);
        continue;
      }
      if (holds === undefined) {
        holds = new Map();
        this.byTopic.set(t, holds);
      }
      holds.set(nodeName, BigInt(offset));
    }
  }

  /** The lowest hold on `topic`, if any. */
  lowest(topic: string): bigint | undefined {
    let lowest: bigint | undefined;
    const holds = this.byTopic.get(topic);
    if (holds === undefined) return undefined;
    for (const offset of holds.values()) if (lowest === undefined || offset < lowest) lowest = offset;
    return lowest;
  }
}
