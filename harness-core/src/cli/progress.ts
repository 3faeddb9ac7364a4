/**
 * Progress on long work: a redrawn bar on a terminal, a line every ~10% otherwise (CI logs),
 * always on stderr so `--json` output on stdout stays clean.
 */
export interface ProgressReporter {
  update(done: number, total: number, detail?: string): void;
  finish(): void;
}

export function createProgressReporter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  const interactive = Boolean(stream.isTTY);
  let lastDecile = -1;
  return {
    update(done, total, detail = '') {
      if (interactive) {
        const width = 30;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        stream.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}\x1b[K`,
        );
        return;
      }
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total} ${detail}\n`);
      }
    },
    finish() {
      if (interactive) stream.write('\n');
    },
  };
}
