/**
 * The flags every command that talks to an atServer shares, and the AtClient they describe:
 * `--atsign`, `--keys FILE`, `--root host:port`, `--ca FILE`, `--namespace`, `--debug`.
 */
import { Option, type Command } from 'commander';
import { AtClient } from '../client/index.js';
import { DEFAULT_ROOT } from '../net/index.js';
import { normalizeAtSign } from '../protocol/index.js';
import { CliUsageError } from './run-action.js';

export interface ClientFlags {
  readonly atsign?: string | undefined;
  readonly keys?: string | undefined;
  readonly root: string;
  readonly ca?: string | undefined;
  readonly namespace?: string | undefined;
  readonly debug?: boolean | undefined;
}

// `onboard` reaches the platform the same way but takes no --namespace and says other things
// about --atsign and --keys, so these three are shared one by one.
export const rootOption = (): Option =>
  new Option('-r, --root <host:port>', 'atDirectory (proxy:host:port to skip it)').default(process.env['ATAGENT_ROOT'] ?? DEFAULT_ROOT);
export const caOption = (): Option => new Option('--ca <file>', 'trust this CA certificate (PEM) instead of the system CAs');
export const debugOption = (): Option => new Option('--debug', 'print stack traces with errors');

/** Adds the connection flags to `command`. */
export function withClientOptions(command: Command): Command {
  return command
    .option('-a, --atsign <atSign>', 'your atSign (default: $ATAGENT_ATSIGN)')
    .option('-k, --keys <file>', 'your .atKeys file (default: ~/.atsign/keys/@<atsign>_key.atKeys)')
    .addOption(rootOption())
    .addOption(caOption())
    .option('-n, --namespace <namespace>', 'namespace appended to short key names')
    .addOption(debugOption());
}

/** The atSign the flags name, normalised; a usage error if there is none. */
export function atSignOf(flags: ClientFlags): string {
  const atSign = flags.atsign ?? process.env['ATAGENT_ATSIGN'];
  if (atSign === undefined || atSign === '') throw new CliUsageError('which atSign? pass --atsign @yours (or set ATAGENT_ATSIGN)');
  return normalizeAtSign(atSign);
}

/** Connects and authenticates the client the flags describe. */
async function openClient(flags: ClientFlags): Promise<AtClient> {
  const atSign = atSignOf(flags);
  // AtClient itself falls back to the default keys file and the system CAs.
  return AtClient.create(atSign, flags.namespace, { root: flags.root, keysFile: flags.keys, ca: flags.ca });
}

/** Runs `body` with a connected client and always closes it. */
export async function withClient<T>(flags: ClientFlags, body: (client: AtClient) => Promise<T>): Promise<T> {
  const client = await openClient(flags);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}
