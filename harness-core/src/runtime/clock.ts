/** Wall-clock time in nanoseconds since the Unix epoch, as the decimal string OTLP uses. */
const originNs = BigInt(Math.round(performance.timeOrigin * 1e6));

export function nowUnixNano(): string {
  return (originNs + BigInt(Math.round(performance.now() * 1e6))).toString();
}
