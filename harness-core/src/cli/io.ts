/** What a command may touch of the outside world, injectable so tests can run commands in-process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Prints an important notice once per process (on stderr). */
  notice(text: string): void;
}

export function createProcessIo(signal: AbortSignal): CliIo {
  const shown = new Set<string>();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal,
    notice(text) {
      if (shown.has(text)) return;
      shown.add(text);
      process.stderr.write(`${text}\n`);
    },
  };
}
