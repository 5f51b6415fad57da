/**
 * `atagent demo`: the @platform end to end on a fresh machine, in a few seconds. Starts the
 * embedded platform (atDirectory + atServers) in a data directory, registers @device and
 * @phone, onboards both through the real CRAM → PKAM flow, and shows them exchanging public,
 * self and shared values and notifications, with the proof that servers hold only
 * ciphertext. Exit 0 when every step worked; otherwise one line saying which step failed.
 *
 * The data directory is a fresh temporary one, removed at the end (also on Ctrl-C), unless
 * `--data-dir` names one to keep. `--keep` leaves the platform running until Ctrl-C and
 * prints how to use the other commands against it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { AtClient } from '../client/index.js';
import { silentLogger, startPlatform, type AtServerLogger, type Platform } from '../server/index.js';
import type { CliCommandModule } from './command-module.js';
import { DEMO_DEVICE, DEMO_PHONE, demoKeysPath, onboardDemoAtSigns, registerDemoAtSigns } from './demo/demo-atsigns.js';
import { DemoOutput } from './demo/demo-output.js';
import { DEMO_NAMESPACE, runDemoScenario } from './demo/demo-scenario.js';
import { runAction } from './run-action.js';
import { untilInterrupted } from './signals.js';

interface DemoFlags {
  readonly dataDir?: string | undefined;
  readonly keep?: boolean | undefined;
  readonly debug?: boolean | undefined;
}

/** With --debug the atServers' own log goes to stderr, so stdout stays the demo's story. */
const stderrLogger: AtServerLogger = {
  info: (message) => process.stderr.write(`[server] ${message}\n`),
  warn: (message) => process.stderr.write(`[server] ${message}\n`),
};

/** Everything the demo started, torn down once, in reverse order. */
class DemoResources {
  readonly dataDir: string;
  readonly #temporary: boolean;
  platform: Platform | undefined;
  readonly clients: AtClient[] = [];
  #closing: Promise<void> | undefined;

  constructor(dataDir: string, temporary: boolean) {
    this.dataDir = dataDir;
    this.#temporary = temporary;
  }

  async closeClients(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.closeClients();
      await this.platform?.close();
      if (this.#temporary) await rm(this.dataDir, { recursive: true, force: true });
    })();
    return this.#closing;
  }
}

function printUsage(out: DemoOutput, platform: Platform, keysOf: (atSign: string) => string, temporary: boolean): void {
  const connect = (atSign: string) => `--atsign ${atSign} --keys ${keysOf(atSign)} --root ${platform.root} --ca ${platform.caPath}`;
  out.say('');
  out.say(`The @platform keeps running until Ctrl-C${temporary ? ' (its temporary data directory is removed then)' : ''}. From another terminal:`);
  out.say(`  atagent get ${connect(DEMO_PHONE)} temperature.${DEMO_NAMESPACE}${DEMO_DEVICE}`);
  out.say(`  atagent monitor ${connect(DEMO_PHONE)}`);
  out.say(`  atagent put ${connect(DEMO_DEVICE)} -n ${DEMO_NAMESPACE} ${DEMO_PHONE}:temperature "22.0 °C"`);
  out.say(`  atagent exec ${connect(DEMO_DEVICE)} scan`);
}

async function runDemo(flags: DemoFlags): Promise<void> {
  const started = performance.now();
  const out = new DemoOutput();
  const temporary = flags.dataDir === undefined;
  const dataDir = temporary ? await mkdtemp(join(tmpdir(), 'atagent-demo-')) : resolve(flags.dataDir as string);
  const resources = new DemoResources(dataDir, temporary);
  // Ctrl-C in the middle of the demo still cleans up, then exits as an interrupted program does.
  const interrupted = (signal: NodeJS.Signals) => {
    void resources.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    out.say('atagent demo: a local @platform and two devices talking end to end');
    out.say(`data directory: ${dataDir}${temporary ? ' (temporary: removed at the end; --data-dir DIR keeps one)' : ''}`);

    const platform = await out.step('start the @platform (atDirectory + one atServer per atSign)', async () => {
      resources.platform = await startPlatform({ dataDir, tuning: { logger: flags.debug === true ? stderrLogger : silentLogger } });
      out.line(`atDirectory ${resources.platform.root}, TLS CA ${resources.platform.caPath}`);
      return resources.platform;
    });
    const secrets = await out.step(`register ${DEMO_DEVICE} and ${DEMO_PHONE}`, () => registerDemoAtSigns(platform, out));
    await out.step('onboard both with their CRAM secrets (CRAM → PKAM, .atKeys written)', () => onboardDemoAtSigns(platform, dataDir, secrets, out));
    const keysOf = (atSign: string) => demoKeysPath(dataDir, atSign);

    const [device, phone] = await out.step('connect both as AtClients, authenticating with PKAM', async () => {
      const connect = async (atSign: string) => {
        const client = await AtClient.create(atSign, DEMO_NAMESPACE, { root: platform.root, ca: platform.caPath, keysFile: keysOf(atSign) });
        resources.clients.push(client);
        return client;
      };
      const clients = await Promise.all([connect(DEMO_DEVICE), connect(DEMO_PHONE)]);
      out.line(`${DEMO_DEVICE} and ${DEMO_PHONE} are logged in to their own atServers`);
      return clients;
    });

    await runDemoScenario({ device, phone, dataDir }, out);
    out.say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s: every step worked.`);

    if (flags.keep === true) {
      await resources.closeClients();
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      printUsage(out, platform, keysOf, temporary);
      await untilInterrupted();
      out.say('stopping the @platform');
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await resources.close();
  }
}

export const demoCommand: CliCommandModule = {
  name: 'demo',
  register(program: Command): void {
    program
      .command('demo')
      .description('run a local @platform and show two atSigns exchanging encrypted data end to end')
      .option('--data-dir <dir>', 'keep the platform, keys and data here (default: a temporary directory, removed at the end)')
      .option('--keep', 'leave the platform running after the demo (until Ctrl-C) and print how to use it')
      .option('--debug', 'print the atServers\' log on stderr, and stack traces with errors')
      .action(runAction(runDemo));
  },
};
