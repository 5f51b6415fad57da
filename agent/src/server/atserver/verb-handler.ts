/**
 * The contract of a verb handler: one object per verb, registered with the dispatcher
 * (verbs/index.ts lists them). A handler gets the typed command (protocol/verb-commands.ts)
 * and a context (the atSign's server, the session, the connection) and returns a reply, or
 * throws an AtProtocolError whose code becomes the `error:` line.
 *
 * Adding a verb: write `verbs/<verb>.ts` exporting a `VerbHandler<'<verb>'>`, add one line to
 * verbs/index.ts. Until a verb has a handler the dispatcher answers AT0003 `invalid command`,
 * exactly as for a verb that does not exist.
 */
import type { VerbCommand, VerbName } from '../../protocol/index.js';
import type { AtSignServerContext } from './server-context.js';
import type { Session } from './session.js';
import type { ConnectionHandle } from './connection-handle.js';

/** The command type of a verb (lookup and plookup share one command type). */
export type CommandOf<V extends VerbName> = VerbCommand extends infer C ? (C extends { verb: infer W } ? (V extends W ? C : never) : never) : never;

/** What the connection writes for a command. */
export type VerbReply =
  /** `data:<payload>\n<prompt>` (`data: <payload>` when spaced). */
  | { readonly kind: 'data'; readonly payload: string; readonly spaced?: boolean }
  /** Written exactly as given, no prompt: the `@bob@` answer to `pol`. */
  | { readonly kind: 'raw'; readonly text: string }
  /** Nothing at all (`monitor`). */
  | { readonly kind: 'silent' };

export interface VerbContext {
  readonly server: AtSignServerContext;
  readonly session: Session;
  readonly connection: ConnectionHandle;
}

export interface VerbHandler<V extends VerbName = VerbName> {
  readonly verb: V;
  /**
   * True when only an owner-authenticated connection may run the verb; others get AT0401
   * before the command is even parsed, as in the reference (server.md §2.3 step 4).
   */
  readonly ownerOnly: boolean;
  handle(command: CommandOf<V>, context: VerbContext): VerbReply | Promise<VerbReply>;
}

export function dataReply(payload: string | number | null): VerbReply {
  return { kind: 'data', payload: payload === null ? 'null' : String(payload) };
}

export const NULL_REPLY: VerbReply = { kind: 'data', payload: 'null' };
export const SUCCESS_REPLY: VerbReply = { kind: 'data', payload: 'success' };
export const SILENT_REPLY: VerbReply = { kind: 'silent' };
