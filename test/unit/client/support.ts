/** Keys, scripted-peer steps and clients shared by the client tests (all values from crypto.json). */
import { AtClient, type AtClientPreferences } from '../../../agent/src/client/index.js';
import { AesKey, RsaPrivateKey, RsaPublicKey, type AtKeys } from '../../../agent/src/crypto/index.js';
import { withScriptedPeer, type ScriptedPeer, type ScriptedPeerOptions, type ScriptStep } from '../net/support/scripted-peer.js';
import { readVector } from '../../helpers/vectors.js';

export const vectors = readVector<any>('crypto.json');
export const exchange = vectors.sharedKeyExchange;

export const ALICE = '@alice🛠';
export const BOB = '@bob🛠';

/** Keys that name their atSign. */
export type NamedAtKeys = AtKeys & { readonly atSign: string };

/** Alice as crypto.json knows her: PKAM pair, encryption pair, self encryption key. */
export function aliceKeys(): NamedAtKeys {
  return {
    atSign: ALICE,
    pkamPublicKey: RsaPublicKey.fromBase64(vectors.pkam.pkamPublicKey),
    pkamPrivateKey: RsaPrivateKey.fromBase64(vectors.pkam.pkamPrivateKey),
    encryptionPublicKey: RsaPublicKey.fromBase64(exchange.aliceEncryptionPublicKey),
    encryptionPrivateKey: RsaPrivateKey.fromBase64(exchange.aliceEncryptionPrivateKey),
    selfEncryptionKey: AesKey.fromBase64(vectors.selfEncryption.selfEncryptionKey),
  };
}

/** Bob: his encryption pair doubles as PKAM pair; his self key is at_c's known-answer key. */
export function bobKeys(): NamedAtKeys {
  return {
    atSign: BOB,
    pkamPublicKey: RsaPublicKey.fromBase64(exchange.bobEncryptionPublicKey),
    pkamPrivateKey: RsaPrivateKey.fromBase64(exchange.bobEncryptionPrivateKey),
    encryptionPublicKey: RsaPublicKey.fromBase64(exchange.bobEncryptionPublicKey),
    encryptionPrivateKey: RsaPrivateKey.fromBase64(exchange.bobEncryptionPrivateKey),
    selfEncryptionKey: AesKey.fromBase64(vectors.atC_knownAnswer.aesCtrDecrypt.keyBase64),
  };
}

const CHALLENGE_SESSION = '_4af24c03-d732-48f8-a9a2-570e8fb6a01c';
const CHALLENGE_PROOF = 'd6cac849-9c29-42b0-b0c5-493db62728b9';

/** `from` and `pkam` as a server checks them: the signature must verify over the challenge. */
export function authSteps(atSign: string, keys: AtKeys): ScriptStep[] {
  const challenge = `${CHALLENGE_SESSION}${atSign}:${CHALLENGE_PROOF}`;
  return [
    { expect: `from:${atSign}`, reply: `data:${challenge}\n@` },
    {
      expect: (line) => line.startsWith('pkam:') && keys.pkamPublicKey.verifyText(challenge, line.slice('pkam:'.length)),
      reply: `data:success\n${atSign}@`,
    },
  ];
}

/** A reply with the owner prompt. */
export function answer(atSign: string, text: string): string {
  return `${text}\n${atSign}@`;
}

/** Captures the groups of the line that matched, for checks after the fact. */
export function capture(pattern: RegExp, into: string[][], reply: string): ScriptStep {
  return {
    expect: (line) => {
      const match = pattern.exec(line);
      if (match === null) return false;
      into.push(match.slice(1));
      return true;
    },
    reply,
  };
}

/** An AtClient of `keys.atSign` whose atServer is `peer` (reached as a proxy root, trusting its CA). */
export function clientOn(peer: ScriptedPeer, keys: NamedAtKeys, namespace?: string, preferences: AtClientPreferences = {}): Promise<AtClient> {
  return AtClient.create(keys.atSign, namespace, { atKeys: keys, root: `proxy:${peer.address}`, ca: peer.caPem, ...preferences });
}

export interface PeerClient {
  readonly keys: NamedAtKeys;
  readonly namespace?: string;
  readonly preferences?: AtClientPreferences;
}

/** Starts a peer, runs `body` with a client on it (`clientOn`), and closes both whatever happens. */
export function withPeerClient(options: ScriptedPeerOptions, client: PeerClient, body: (peer: ScriptedPeer, client: AtClient) => Promise<void>): Promise<ScriptedPeer> {
  return withScriptedPeer(options, async (peer) => {
    const created = await clientOn(peer, client.keys, client.namespace, client.preferences);
    try {
      await body(peer, created);
    } finally {
      await created.close();
    }
  });
}
