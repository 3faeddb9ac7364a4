/**
 * Wall-clock time in nanoseconds since the Unix epoch, as the decimal string OTLP uses.
 *
 * The runtime stamps several records every turn, so a stamp must be cheap in time and in
 * garbage. Nanoseconds since the epoch do not fit a double, so the origin is split once into
 * whole seconds and nanoseconds; each stamp adds the elapsed nanoseconds to the latter, carries
 * into the seconds, and writes the nine nanosecond digits from a table of three-digit groups.
 * The result equals `(originNs + BigInt(Math.round(now * 1e6))).toString()` exactly.
 */
const NS_PER_SECOND = 1_000_000_000;
const originNs = BigInt(Math.round(performance.timeOrigin * 1e6));
const originSeconds = Number(originNs / BigInt(NS_PER_SECOND));
const originRemainderNs = Number(originNs % BigInt(NS_PER_SECOND));
/** "000" to "999". */
const DIGIT_GROUPS = Array.from({ length: 1000 }, (_, group) => String(group).padStart(3, '0'));
/** The seconds digits of the latest stamp, and the carry they were made for. */
let prefix = '';
let prefixCarry = Number.NaN;
/**
 * The seconds and milliseconds digits of the latest stamp, and the carry and millisecond they
 * were made for: stamps come in bursts within one millisecond, so each then costs two joins.
 */
let millisPrefix = '';
let millisCarry = Number.NaN;
let millisOfPrefix = Number.NaN;

export function nowUnixNano(): string {
  return unixNanoAt(performance.now());
}

/** `nowUnixNano` for `elapsedMs` after the time origin (a `performance.now()` reading). */
export function unixNanoAt(elapsedMs: number): string {
  // Exact while the process has run for less than 2^53 ns (104 days) since its time origin.
  const elapsedNs = Math.round(elapsedMs * 1e6);
  if (!Number.isSafeInteger(elapsedNs + originRemainderNs)) {
    return (originNs + BigInt(elapsedNs)).toString();
  }
  const sum = originRemainderNs + elapsedNs;
  const carry = Math.floor(sum / NS_PER_SECOND);
  const nanos = sum - carry * NS_PER_SECOND;
  if (carry !== prefixCarry) {
    // The seconds digits change once a second; they are converted to text only then.
    const seconds = originSeconds + carry;
    prefixCarry = carry;
    prefix = seconds === 0 ? '' : String(seconds);
  }
  if (prefix === '') return String(nanos);
  // Three-digit groups from a table, not `String(nanos)`: V8 caches number-to-text conversions
  // in a long-lived table, which keeps each stamp's text alive through the next minor GC.
  const millis = Math.floor(nanos / 1_000_000);
  if (millis !== millisOfPrefix || carry !== millisCarry) {
    millisPrefix = prefix + DIGIT_GROUPS[millis];
    millisOfPrefix = millis;
    millisCarry = carry;
  }
  const micros = Math.floor(nanos / 1000) % 1000;
  return millisPrefix + DIGIT_GROUPS[micros] + DIGIT_GROUPS[nanos % 1000];
}
