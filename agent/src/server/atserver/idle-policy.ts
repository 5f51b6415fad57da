/**
 * How long a connection may stay silent before it is closed (server.md §2.2): 10 min
 * unauthenticated, 30 days authenticated; once the pool is more than half full the allowance
 * shrinks linearly towards 5 s / 60 s as the pool approaches its limit, so idle connections
 * make room for new ones instead of the newcomers being refused.
 */
import type { AtServerLimits } from './server-options.js';

export function allowedIdleMs(authenticated: boolean, openConnections: number, limits: AtServerLimits): number {
  const max = authenticated ? limits.authenticatedIdleMs : limits.unauthenticatedIdleMs;
  const min = Math.min(max, authenticated ? limits.minAuthenticatedIdleMs : limits.minUnauthenticatedIdleMs);
  const fill = openConnections / limits.inboundMaxConnections;
  const lowWater = limits.idleLowWaterMark;
  if (fill <= lowWater || lowWater >= 1) return max;
  const pressure = Math.min(1, (fill - lowWater) / (1 - lowWater));
  return Math.round(max - (max - min) * pressure);
}
