/**
 * The `--set` parameters as the topology sees them, remembering which keys its build read. A key that
 * was set but never read is a typo (`paymentTimeoutMinute`) that would otherwise pass silently.
 */
export class TrackedParams {
  readonly values: Readonly<Record<string, string>>;
  private readonly read = new Set<string>();
  private enumerated = false;

  constructor(private readonly given: Readonly<Record<string, string>>) {
    const note = (key: string | symbol): void => {
      if (typeof key === 'string') this.read.add(key);
    };
    this.values = new Proxy(
      { ...given },
      {
        get: (target, key, receiver) => {
          note(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
        has: (target, key) => {
          note(key);
          return Reflect.has(target, key);
        },
        getOwnPropertyDescriptor: (target, key) => {
          note(key);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
        // A topology that lists the keys (spreads them, passes them on whole) may use any of them.
        ownKeys: (target) => {
          this.enumerated = true;
          return Reflect.ownKeys(target);
        },
      },
    );
  }

  /** Keys that were set and never read; none if the topology enumerated the parameters. */
  unread(): string[] {
    if (this.enumerated) return [];
    return Object.keys(this.given).filter((key) => !this.read.has(key));
  }

  /** The keys the topology asked for, set or not, in the order it first asked. */
  readKeys(): string[] {
    return [...this.read];
  }
}
