/** `Clock`: time as a port, so cycle control and leases can be tested without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
