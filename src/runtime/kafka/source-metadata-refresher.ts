export interface SourceMetadataRefresherOptions {
  /** Without input, a read begins this long after the previous one began (`metadataRefreshMs`). */
  readonly idleMs: number;
  /** After a processed input batch, a read begins this long after the previous one began, at the soonest (`metadataRefreshOnInputMs`). */
  readonly onInputMs: number;
  /** A read failed: it is tried again at the next occasion. */
  readonly onError: (error: unknown) => void;
}

/**
 * Decides when the CDC input topics' partition counts are read (docs/cdc.md, "Partition growth").
 * Progress observed at the end of a batch is announced only with a count read that began after it, so
 * every millisecond between a batch and the next read is watermark delay: after input, a read begins as
 * soon as the previous one is done and `onInputMs` has passed since it began; without input, every
 * `idleMs` (a restarted task's restored progress waits for one too). One read at a time, beside
 * processing.
 */
export class SourceMetadataRefresher {
  private reading: Promise<void> | undefined;
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  /** A batch was processed since the last read began: its progress waits for the next read. */
  private inputWaiting = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly read: () => Promise<void>,
    private readonly options: SourceMetadataRefresherOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** A batch of a CDC input was processed. */
  inputProcessed(): void {
    this.inputWaiting = true;
    this.maybeStart();
  }

  /** The runtime's periodic tick: the idle cadence, and a read input still waits for. */
  tick(): void {
    this.maybeStart();
  }

  /** Stops starting reads and waits for the one in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.reading;
  }

  private maybeStart(): void {
    if (this.closed || this.reading !== undefined || this.timer !== undefined) return;
    const gap = this.inputWaiting ? this.options.onInputMs : this.options.idleMs;
    const wait = this.lastStartedAt + gap - this.now();
    if (wait <= 0) {
      this.start();
      return;
    }
    // Input waits: read as soon as the gap allows rather than at the next tick.
    if (this.inputWaiting) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.maybeStart();
      }, wait);
    }
  }

  private start(): void {
    this.lastStartedAt = this.now();
    this.inputWaiting = false;
    this.reading = this.read()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.reading = undefined;
        if (this.inputWaiting) this.maybeStart();
      });
  }
}
