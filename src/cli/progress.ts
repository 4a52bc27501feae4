import cliProgress from 'cli-progress';
import { processIo, type CliIo } from './cli-io.js';

/** Progress of one long step, on stderr: a bar on a terminal, a plain line every few seconds otherwise (CI logs, pipes, tests). */
export interface Progress {
  update(value: number, detail?: string): void;
  setTotal(total: number): void;
  /** Leaves the last state on screen (a final line when not a terminal). */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly unit: string;
  /** Seconds between plain lines (default 2). */
  readonly lineIntervalSeconds?: number;
}

export function startProgress(io: CliIo, options: ProgressOptions): Progress {
  // Only the real stderr can be a terminal; an injected io (tests) gets plain lines.
  if (io === processIo && process.stderr.isTTY === true) return barProgress(options);
  return lineProgress(io, options);
}

function barProgress(options: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {duration_formatted} {detail}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(options.total, 1), 0, { detail: '' });
  return {
    update: (value, detail) => bar.update(value, { detail: detail ?? '' }),
    setTotal: (total) => bar.setTotal(Math.max(total, 1)),
    stop: () => bar.stop(),
  };
}

function lineProgress(io: CliIo, options: ProgressOptions): Progress {
  const intervalMs = (options.lineIntervalSeconds ?? 2) * 1000;
  const started = Date.now();
  let total = options.total;
  let value = 0;
  let detail = '';
  let lastLine = started;
  const line = (): void => {
    const percent = total > 0 ? ` (${Math.min(100, Math.floor((value / total) * 100))}%)` : '';
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.err(`${options.label}: ${value}/${total} ${options.unit}${percent}, ${seconds} s${detail === '' ? '' : `, ${detail}`}\n`);
  };
  return {
    update: (v, d) => {
      value = v;
      detail = d ?? detail;
      const now = Date.now();
      if (now - lastLine >= intervalMs) {
        lastLine = now;
        line();
      }
    },
    setTotal: (t) => {
      total = t;
    },
    stop: line,
  };
}
