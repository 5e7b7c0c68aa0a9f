/** Where progress goes: stderr, or a fake in tests. */
export interface ProgressOutput {
  isTTY?: boolean;
  /** terminal width, when known */
  columns?: number;
  write(text: string): unknown;
}

/** One progress snapshot. */
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  elapsedMs: number;
  unit: string;
}

function rate(state: ProgressState): string {
  if (state.elapsedMs <= 0 || state.done === 0) return `— ${state.unit}/s`;
  const perSecond = (state.done * 1000) / state.elapsedMs;
  return `${perSecond >= 100 ? Math.round(perSecond).toLocaleString('en') : perSecond.toFixed(1)} ${state.unit}/s`;
}

function percent(state: ProgressState): number {
  return state.total === 0 ? 100 : Math.floor((state.done * 100) / state.total);
}

/** A one-line bar for a terminal: `label [#####-----]  50%  500/1,000 rows  812 rows/s`. */
export function formatBar(state: ProgressState, width = 80): string {
  const counts = `${state.done.toLocaleString('en')}/${state.total.toLocaleString('en')} ${state.unit}`;
  const tail = ` ${String(percent(state)).padStart(3)}%  ${counts}  ${rate(state)}`;
  const barWidth = Math.max(10, Math.min(40, width - state.label.length - tail.length - 4));
  const filled = state.total === 0 ? barWidth : Math.floor((state.done * barWidth) / state.total);
  return `${state.label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

/** A plain log line for a non-terminal: `label: 30% (300/1,000 rows, 812 rows/s)`. */
export function formatLine(state: ProgressState): string {
  return `${state.label}: ${percent(state)}% (${state.done.toLocaleString('en')}/${state.total.toLocaleString('en')} ${state.unit}, ${rate(state)})`;
}

/**
 * Progress on stderr: a bar redrawn at most every 100 ms on a terminal, otherwise one line per 10%
 * step, so logs of piped runs stay short.
 */
export class Progress {
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastTenth = -1;
  private readonly started: number;
  private finished = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: ProgressOutput,
    private readonly now: () => number,
    private readonly unit = 'rows',
  ) {
    this.started = now();
  }

  /** Counts `n` more items as done. */
  advance(n: number): void {
    this.update(this.done + n);
  }

  /** Sets how many items are done in all. */
  update(done: number): void {
    if (done <= this.done || this.finished) return;
    this.done = Math.min(this.total, done);
    this.show(false);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.finished) return;
    this.show(true);
    this.finished = true;
    if (this.out.isTTY) this.out.write('\n');
  }

  private state(): ProgressState {
    return {
      label: this.label,
      done: this.done,
      total: this.total,
      elapsedMs: this.now() - this.started,
      unit: this.unit,
    };
  }

  private show(force: boolean): void {
    if (this.out.isTTY) {
      const at = this.now();
      if (!force && at - this.lastDraw < 100) return;
      this.lastDraw = at;
      this.out.write(`\r${formatBar(this.state(), this.out.columns || 80)}\x1b[K`);
      return;
    }
    const tenth = this.total === 0 ? 10 : Math.floor((this.done * 10) / this.total);
    if (tenth > this.lastTenth && (tenth > 0 || force)) {
      this.lastTenth = tenth;
      this.out.write(`${formatLine(this.state())}\n`);
    }
  }
}
