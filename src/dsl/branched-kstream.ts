import type { DslContext } from './dsl-context.js';
import { KStream, type StreamSerdes } from './kstream.js';
import { statelessProcessor } from './stateless-processors.js';

interface Branch<K, V> {
  readonly predicate: (value: V, key: K) => boolean;
  readonly nodeName: string;
}

/**
 * Built by `KStream.split()`: each record goes to the first branch whose predicate matches, or to the
 * default branch, or nowhere. Branch streams are keyed `<split name>-<branch name>` in the result.
 */
export class BranchedKStream<K, V> {
  private readonly branches: Branch<K, V>[] = [];
  private readonly result = new Map<string, KStream<K, V>>();
  private defaultNode: string | undefined;

  /** @internal */
  constructor(
    private readonly ctx: DslContext,
    private readonly splitName: string,
    parent: KStream<K, V>,
    private readonly serdes: StreamSerdes<K, V>,
    private readonly repartitionRequired: boolean,
  ) {
    const branches = this.branches;
    // The processor reads `branches` when a task starts, after every branch has been added.
    ctx.builder.addProcessor({
      name: splitName,
      parents: [parent.nodeName],
      supplier: statelessProcessor<K, V, K, V>((record, context) => {
        for (const branch of branches) {
          if (branch.predicate(record.value, record.key)) {
            context.forward(record, branch.nodeName);
            return;
          }
        }
        if (this.defaultNode !== undefined) context.forward(record, this.defaultNode);
      }),
    });
  }

  branch(predicate: (value: V, key: K) => boolean, options: { readonly name?: string } = {}): this {
    const nodeName = `${this.splitName}-${options.name ?? String(this.branches.length + 1)}`;
    this.branches.push({ predicate, nodeName });
    this.addBranchNode(nodeName);
    return this;
  }

  /** Records no predicate matched; ends the split and returns every branch by name. */
  defaultBranch(options: { readonly name?: string } = {}): Map<string, KStream<K, V>> {
    const nodeName = `${this.splitName}-${options.name ?? '0'}`;
    this.defaultNode = nodeName;
    this.addBranchNode(nodeName);
    return this.result;
  }

  /** Ends the split without a default branch; unmatched records are dropped. */
  noDefaultBranch(): Map<string, KStream<K, V>> {
    return this.result;
  }

  private addBranchNode(nodeName: string): void {
    this.ctx.builder.addProcessor({
      name: nodeName,
      parents: [this.splitName],
      supplier: statelessProcessor<K, V, K, V>((record, context) => context.forward(record)),
    });
    this.result.set(nodeName, new KStream(this.ctx, nodeName, this.serdes, this.repartitionRequired));
  }
}
