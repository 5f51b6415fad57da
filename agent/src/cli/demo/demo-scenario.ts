/**
 * What `atagent demo` shows once both atSigns are onboarded: a signed public value, an
 * encrypted self value, a sensor reading shared with the phone (shared-key exchange),
 * the phone's monitor receiving and decrypting it, the phone reading it with get, and the
 * proof that the servers only ever held ciphertext. Each step checks what it shows and
 * fails the demo when the platform does not behave.
 */
import { join } from 'node:path';
import type { AtClient, Monitor, ReceivedNotification } from '../../client/index.js';
import { expectData, llookupCommand, parseLookupAll, type LookupAllAnswer } from '../../protocol/index.js';
import { abbreviate, type DemoOutput } from './demo-output.js';
import { DEMO_DEVICE, DEMO_PHONE } from './demo-atsigns.js';
import { filesContaining } from './plaintext-search.js';

export const DEMO_NAMESPACE = 'demo';

/** Long enough for a loaded Raspberry Pi; the notification normally takes milliseconds. */
const NOTIFICATION_WAIT_MS = 15_000;

export interface DemoParties {
  readonly device: AtClient;
  readonly phone: AtClient;
  /** The platform's data directory, searched for plaintexts at the end. */
  readonly dataDir: string;
}

/** The sample values (printing them is the point of the demo: they are not secrets). */
function sampleValues(now: Date) {
  return {
    status: 'online, firmware v1.4.2',
    calibration: 'calibration offset +0.3 °C (for the device only)',
    reading: `temperature 21.5 °C at ${now.toISOString()}`,
  };
}

function expectValue(what: string, actual: unknown, expected: string): void {
  if (actual !== expected) throw new Error(`${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function nextNotification(monitor: Monitor, key: string): Promise<ReceivedNotification> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      monitor.off('notification', listener);
      reject(new Error(`no notification of ${key} reached ${DEMO_PHONE}'s monitor within ${NOTIFICATION_WAIT_MS / 1000} s`));
    }, NOTIFICATION_WAIT_MS);
    const listener = (notification: ReceivedNotification) => {
      if (notification.key !== key) return;
      clearTimeout(timer);
      monitor.off('notification', listener);
      resolve(notification);
    };
    monitor.on('notification', listener);
  });
}

/** An `llookup:all` answer that holds a value. */
type StoredRecord = Pick<LookupAllAnswer, 'metaData'> & { readonly data: string };

/** `llookup:all:<key>` on the owner's own server, raw: what the server holds, as it holds it. */
async function rawLookup(owner: AtClient, key: string): Promise<StoredRecord> {
  const answer = parseLookupAll(expectData(await owner.executeRaw(llookupCommand(key, { operation: 'all' }))));
  if (answer.data === null) throw new Error(`llookup:all:${key} holds no value`);
  return { data: answer.data, metaData: answer.metaData };
}

/** Fails unless the stored record is ciphertext, not `plaintext`. */
function expectCiphertext(key: string, record: StoredRecord, plaintext: string): void {
  const decoded = Buffer.from(record.data, 'base64');
  if (record.data.includes(plaintext) || decoded.includes(Buffer.from(plaintext, 'utf8'))) {
    throw new Error(`the server holds ${key} in plaintext`);
  }
  if (record.metaData.isEncrypted !== true) throw new Error(`the server does not mark ${key} as encrypted`);
}

function describeRecord(out: DemoOutput, key: string, record: StoredRecord): void {
  out.line(`llookup:all:${key}  (raw @protocol on ${DEMO_DEVICE}'s own atServer)`);
  out.line(`  data:         ${abbreviate(record.data)}  ← AES-256-CTR ciphertext, base64`);
  const meta = record.metaData;
  const shown = (['isEncrypted', 'ivNonce', 'sharedKeyEnc', 'pubKeyCS'] as const)
    .filter((name) => meta[name] !== undefined)
    .map((name) => `${name}:${abbreviate(String(meta[name]), 10)}`);
  out.line(`  metadata:     ${shown.join('  ')}`);
}

export async function runDemoScenario({ device, phone, dataDir }: DemoParties, out: DemoOutput): Promise<void> {
  const values = sampleValues(new Date());
  const ns = DEMO_NAMESPACE;
  const statusKey = `public:status.${ns}${DEMO_DEVICE}`;
  const calibrationKey = `calibration.${ns}${DEMO_DEVICE}`;
  const readingKey = `${DEMO_PHONE}:temperature.${ns}${DEMO_DEVICE}`;

  await out.step(`${DEMO_DEVICE} publishes a signed public value`, async () => {
    await device.put('public:status', values.status);
    out.line(`${DEMO_DEVICE} put ${statusKey} = "${values.status}"  (signed with its encryption private key)`);
    const seen = await phone.get(statusKey);
    expectValue(`${DEMO_PHONE}'s read of ${statusKey}`, seen.value, values.status);
    if (seen.signatureVerified !== true) throw new Error(`${DEMO_PHONE} could not verify the signature of ${statusKey}`);
    out.line(`${DEMO_PHONE} get ${statusKey} → "${seen.value}"  (signature checked with ${DEMO_DEVICE}'s public key)`);
  });

  await out.step(`${DEMO_DEVICE} stores an encrypted self value`, async () => {
    await device.put('calibration', values.calibration);
    out.line(`${DEMO_DEVICE} put ${calibrationKey} = "${values.calibration}"`);
    out.line(`encrypted on the device with its self encryption key, which never leaves its .atKeys file`);
    const back = await device.get('calibration');
    expectValue(`${DEMO_DEVICE}'s read of ${calibrationKey}`, back.value, values.calibration);
    out.line(`${DEMO_DEVICE} get ${calibrationKey} → "${back.value}"`);
  });

  const monitor = await out.step(`${DEMO_PHONE} starts its monitor`, async () => {
    const started = await phone.startMonitor();
    out.line(`${DEMO_PHONE} has a monitor connection open to its atServer: notifications arrive as they happen`);
    return started;
  });

  const arrived = nextNotification(monitor, readingKey);
  // Settled either way, so a failure in the next step leaves no unhandled rejection behind.
  arrived.catch(() => undefined);

  await out.step(`${DEMO_DEVICE} shares an encrypted sensor reading with ${DEMO_PHONE}`, async () => {
    await device.put(`${DEMO_PHONE}:temperature`, values.reading);
    out.line(`${DEMO_DEVICE} put ${readingKey} = "${values.reading}"`);
    out.line(`encrypted on ${DEMO_DEVICE} with the pair's shared AES key, which ${DEMO_DEVICE} made on first use and`);
    out.line(`stored for ${DEMO_PHONE} encrypted with ${DEMO_PHONE}'s RSA public key (the shared-key exchange)`);
  });

  await out.step(`${DEMO_PHONE}'s monitor receives the notification and decrypts it`, async () => {
    const notification = await arrived;
    if (!notification.decrypted) {
      throw new Error(`the notification could not be decrypted: ${notification.decryptionError?.message ?? 'no reason given'}`);
    }
    expectValue(`the notified value of ${readingKey}`, notification.value, values.reading);
    out.line(`notification ${notification.id} from ${notification.from}: ${notification.key}`);
    out.line(`decrypted on ${DEMO_PHONE}: "${notification.value}"`);
  });

  await out.step(`${DEMO_PHONE} reads the shared value with get`, async () => {
    const shared = await phone.get(`temperature.${ns}${DEMO_DEVICE}`);
    expectValue(`${DEMO_PHONE}'s read of ${readingKey}`, shared.value, values.reading);
    out.line(`${DEMO_PHONE} get temperature.${ns}${DEMO_DEVICE} → "${shared.value}"`);
  });

  await out.step('the plaintext never reached a server', async () => {
    const reading = await rawLookup(device, readingKey);
    expectCiphertext(readingKey, reading, values.reading);
    describeRecord(out, readingKey, reading);
    const calibration = await rawLookup(device, calibrationKey);
    expectCiphertext(calibrationKey, calibration, values.calibration);
    out.line(`llookup:all:${calibrationKey} → data ${abbreviate(calibration.data)}  (ciphertext too)`);

    const atsignsDir = join(dataDir, 'atsigns');
    const onDisk = await filesContaining(atsignsDir, [values.status, values.reading, values.calibration]);
    const [publicFiles = 0, readingFiles = 0, calibrationFiles = 0] = onDisk.found;
    if (readingFiles + calibrationFiles > 0) throw new Error(`a plaintext was found in the atServers' storage under ${atsignsDir}`);
    out.line(`searched all ${onDisk.searched} files the atServers wrote (${atsignsDir}):`);
    out.line(`  the public value (stored in clear, as public data is) is in ${publicFiles} of them;`);
    out.line(`  the shared reading and the self value are in ${readingFiles + calibrationFiles} of them`);
  });
}
