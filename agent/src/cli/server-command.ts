/**
 * `atagent server`: runs the embedded @platform (an atDirectory and one atServer per atSign)
 * until SIGINT/SIGTERM. When everything listens it writes `<data-dir>/ready.json`
 * (`{"root","ca","atSigns":{…}}`) atomically, for scripts and tests to pick up.
 *
 * A new atSign's CRAM secret is printed exactly once, when `--atsign` creates it; it is
 * never printed again and never logged.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { CliCommandModule } from './command-module.js';
import { integerFlag } from './flag-values.js';
import { startPlatform, type Platform } from '../server/atserver/platform.js';
import { tuneMallocForServer } from '../server/process-memory.js';
import { writeFileAtomic } from '../server/storage/file-io.js';

interface ServerCommandOptions {
  readonly dataDir: string;
  readonly rootPort?: number;
  readonly atsign: string[];
  readonly demo?: boolean;
  readonly redis?: string;
  readonly host?: string;
  readonly maxConnections?: number;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** What `<data-dir>/ready.json` holds: scripts, tests and benchmarks read it. */
export interface ServerReady {
  readonly root: string;
  /** Path of the CA certificate. */
  readonly ca: string;
  /** atSign → host:port */
  readonly atSigns: Readonly<Record<string, string>>;
}

function writeReadyFile(platform: Platform): string {
  const file = path.join(platform.dataDir, 'ready.json');
  const ready: ServerReady = { root: platform.root, ca: platform.caPath, atSigns: Object.fromEntries(platform.atSigns) };
  writeFileAtomic(file, `${JSON.stringify(ready, null, 2)}\n`, 0o644);
  return file;
}

async function runServer(options: ServerCommandOptions): Promise<void> {
  // Before any connection exists: it decides how much each one keeps resident.
  tuneMallocForServer();
  const platform = await startPlatform({
    dataDir: options.dataDir,
    ...(options.rootPort === undefined ? {} : { rootPort: options.rootPort }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.redis === undefined ? {} : { redis: options.redis }),
    demo: options.demo === true,
    ...(options.maxConnections === undefined ? {} : { tuning: { limits: { inboundMaxConnections: options.maxConnections } } }),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`atagent server: ${signal}, shutting down`);
    platform.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`atagent server: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  for (const atSign of options.atsign) {
    const registered = await platform.registerAtSign(atSign);
    if (registered.cramSecret !== undefined) {
      // The only time this secret is ever shown: onboarding needs it.
      console.log(`new atSign ${registered.atSign} at ${registered.address}; CRAM secret (shown once): ${registered.cramSecret}`);
    }
  }
  const ready = writeReadyFile(platform);
  console.log(`atagent server: root ${platform.root}, ${platform.atSigns.size} atSign(s); CA ${platform.caPath}; ${ready}`);
}

export const serverCommand: CliCommandModule = {
  name: 'server',
  register(program: Command) {
    program
      .command('server')
      .description('run the embedded @platform: an atDirectory and an atServer per atSign')
      .requiredOption('--data-dir <dir>', 'where keys, certificates and data live')
      .option('--root-port <port>', 'atDirectory port (default: the last one used, else any free port)', integerFlag('--root-port', 0, 65535))
      .option('--atsign <atSign>', 'host this atSign (created on first use; repeatable)', collect, [])
      .option('--demo', 'host the upstream demo atSigns (@alice🛠, @bob🛠, …) with their demo keys')
      .option('--redis <url>', 'keep directory records in this Redis instead of in-process')
      .option('--host <host>', 'host name announced in the directory and certificate', 'localhost')
      .option('--max-connections <n>', 'inbound connections each atSign accepts at once (default 200, as the reference; AT0012 beyond)', integerFlag('--max-connections', 1))
      .action(async (options: ServerCommandOptions) => {
        try {
          await runServer(options);
        } catch (error) {
          console.error(`atagent server: ${(error as Error).message}`);
          process.exit(1);
        }
      });
  },
};
