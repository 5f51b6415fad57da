/**
 * The atDirectory (root) exchange (protocol.md §2): the client sends the atSign without `@`,
 * the root answers `<host>:<port>\r\n@` or `null\r\n@`.
 */
import { withoutAt } from './atsign.js';
import { IllegalArgumentError, UnexpectedResponseError } from './errors.js';

export interface SecondaryAddress {
  readonly host: string;
  readonly port: number;
}

/** The lookup line (without `\n`): the normalised atSign minus its `@`. */
export function rootLookupCommand(atSign: string): string {
  return withoutAt(atSign);
}

/** The root's polite close, answered by closing the socket. */
export const ROOT_EXIT_COMMAND = '@exit';

/**
 * Reads a root answer, with or without its `\r\n@` tail. Returns null for the "no such
 * atSign" forms (`null`, empty, legacy `data:null`). Host names never contain `:`, so the
 * answer is split on the first one.
 */
export function parseRootAnswer(text: string): SecondaryAddress | null {
  const answer = text.replaceAll('@', '').trim();
  if (answer === '' || answer === 'null' || answer === 'data:null') return null;
  const colon = answer.indexOf(':');
  const host = answer.slice(0, colon);
  const portText = answer.slice(colon + 1);
  const port = Number(portText);
  if (colon <= 0 || !/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new UnexpectedResponseError(`root answer is not host:port: ${JSON.stringify(answer.slice(0, 80))}`);
  }
  return { host, port };
}

/** The root's answer to a lookup, prompt included: `host:port\r\n@` or `null\r\n@`. */
export function formatRootAnswer(address: SecondaryAddress | null): string {
  if (address === null) return 'null\r\n@';
  if (/[:\s@]/.test(address.host) || address.host === '' || !Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
    throw new IllegalArgumentError(`cannot announce ${address.host}:${address.port} as a secondary address`);
  }
  return `${address.host}:${address.port}\r\n@`;
}
