/**
 * Random W3C trace ids (16 bytes, 32 hex digits). Every episode needs one, and a synchronous
 * `randomBytes(16)` costs more than the rest of an episode's setup, so random bytes are drawn
 * from the operating system 256 ids at a time and handed out 16 bytes each, never reused.
 */
import { randomBytes } from 'node:crypto';

const ID_BYTES = 16;
const IDS_PER_DRAW = 256;
let pool: Buffer = Buffer.alloc(0);
let offset = 0;

export function newTraceId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * IDS_PER_DRAW);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
