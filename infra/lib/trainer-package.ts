/**
 * Packages the Python trainer (`training/`) as the `sourcedir.tar.gz` SageMaker script mode
 * downloads into `/opt/ml/code`: `train.py`, the `harnessx_trainer/` package and, when present,
 * `requirements.txt` (the training toolkit pip-installs it). Tests and caches stay out.
 *
 * A small ustar writer instead of `tar` (GNU and BSD tar disagree on the flags that make an
 * archive reproducible) and no Docker: the same sources always give the same bytes and the same
 * hash, on any machine, offline, so an unchanged trainer is never uploaded again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SystemError } from '@harnessx/core';

export const TRAINER_ENTRY_POINT = 'train.py';
export const TRAINER_PACKAGE_DIR = 'harnessx_trainer';
const OPTIONAL_FILES = ['requirements.txt'] as const;
/** Never shipped: byte code and editor or tool caches. */
const EXCLUDED_NAMES = new Set(['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'tests']);
const EXCLUDED_SUFFIXES = ['.pyc', '.pyo'];

export interface TrainerPackage {
  /** Archive member names, sorted (`train.py`, `harnessx_trainer/loss.py`, …). */
  readonly files: readonly string[];
  /** sha256 of the archive's members (names and bytes); 16 hex characters, used in the S3 key. */
  readonly hash: string;
  readonly tarGz: Buffer;
}

function packageFiles(trainingDir: string): string[] {
  const entry = join(trainingDir, TRAINER_ENTRY_POINT);
  const packageDir = join(trainingDir, TRAINER_PACKAGE_DIR);
  if (!existsSync(entry) || !existsSync(packageDir)) {
    throw new SystemError(
      `the trainer sources are incomplete: expected ${TRAINER_ENTRY_POINT} and ${TRAINER_PACKAGE_DIR}/ in ${trainingDir}`,
      { code: 'INFRA_TRAINER_SOURCES_MISSING' },
    );
  }
  const files = [
    entry,
    ...OPTIONAL_FILES.map((name) => join(trainingDir, name)).filter((f) => existsSync(f)),
  ];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (EXCLUDED_NAMES.has(name) || EXCLUDED_SUFFIXES.some((suffix) => name.endsWith(suffix))) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(packageDir);
  return files.map((file) => relative(trainingDir, file).split(sep).join('/')).sort();
}

/** One ustar header field: ASCII, NUL padded (numbers are octal, as tar wants). */
function writeField(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'ascii');
  if (bytes.length > length) throw new SystemError(`tar header field too long: ${value}`);
  bytes.copy(header, offset);
}

const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;

/** A regular file's 512-byte ustar header, owner root, mode 0644, mtime 0 (reproducible). */
function fileHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new SystemError(`trainer file name too long for ustar: ${name}`);
  const header = Buffer.alloc(512, 0);
  writeField(header, 0, 100, name);
  writeField(header, 100, 8, octal(0o644, 8));
  writeField(header, 108, 8, octal(0, 8));
  writeField(header, 116, 8, octal(0, 8));
  writeField(header, 124, 12, octal(size, 12));
  writeField(header, 136, 12, octal(0, 12));
  header.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
  writeField(header, 156, 1, '0');
  writeField(header, 257, 6, 'ustar\0');
  writeField(header, 263, 2, '00');
  writeField(header, 265, 32, 'root');
  writeField(header, 297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeField(header, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

export function packTrainer(trainingDir: string): TrainerPackage {
  const files = packageFiles(trainingDir);
  const hash = createHash('sha256');
  const blocks: Buffer[] = [];
  for (const name of files) {
    const body = readFileSync(join(trainingDir, name));
    hash.update(`${name}\0${body.length}\0`).update(body);
    blocks.push(fileHeader(name, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
  }
  blocks.push(Buffer.alloc(1024, 0)); // two zero blocks end the archive
  // gzip with no name and mtime 0 in its header, so the bytes depend on the contents only.
  const tarGz = gzipSync(Buffer.concat(blocks), { level: 9 });
  return { files, hash: hash.digest('hex').slice(0, 16), tarGz };
}
