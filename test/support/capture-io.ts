/** A `CliIo` that collects what a command writes, for tests that call the CLI's `main` in-process. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../harness-core/src/cli/io.ts';

export function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write: (chunk, _encoding, callback) => {
        append(String(chunk));
        callback();
      },
    });
  return {
    stdout: sink((text) => {
      out += text;
    }),
    stderr: sink((text) => {
      err += text;
    }) as unknown as NodeJS.WriteStream,
    env,
    signal: new AbortController().signal,
    notice: () => {},
    out: () => out,
    err: () => err,
  };
}
