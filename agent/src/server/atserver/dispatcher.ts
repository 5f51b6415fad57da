/**
 * Routes a command line to its verb handler (server.md §2.3): find the verb the reference
 * would dispatch to; refuse owner-only verbs on other connections (AT0401) BEFORE looking at
 * the grammar, as the reference does; parse (AT0003 on a grammar mismatch); run the handler.
 * A verb without a registered handler is AT0003 `invalid command`, like a verb that does not
 * exist. Everything a handler throws propagates to the caller (the connection, or `batch`).
 */
import { dispatchVerb, InvalidSyntaxError, parseDispatchedVerb, type VerbName } from '../../protocol/index.js';
import { authRequired } from './errors.js';
import type { VerbContext, VerbHandler, VerbReply } from './verb-handler.js';

export class Dispatcher {
  readonly #handlers = new Map<VerbName, VerbHandler>();

  constructor(handlers: readonly VerbHandler[]) {
    for (const handler of handlers) {
      if (this.#handlers.has(handler.verb)) throw new Error(`two handlers for the verb ${handler.verb}`);
      this.#handlers.set(handler.verb, handler);
    }
  }

  /**
   * Runs one trimmed command line. `@exit` is the connection's business and never gets here.
   * `verb` is where dispatchVerb routes the line, when the caller has asked already (batch).
   */
  async execute(line: string, context: VerbContext, verb: VerbName | undefined = dispatchVerb(line)): Promise<VerbReply> {
    const routed = verb === undefined ? undefined : this.#handlers.get(verb);
    if (routed === undefined || verb === undefined || verb === 'exit') throw new InvalidSyntaxError('invalid command');
    if (routed.ownerOnly && !context.session.isOwner) throw authRequired();
    context.server.apkam.checkSession(context.session);
    const command = parseDispatchedVerb(line, verb);
    // The update route also parses update:json, which has a handler of its own.
    const handler = command.verb === verb ? routed : this.#handlers.get(command.verb);
    if (handler === undefined) throw new InvalidSyntaxError('invalid command');
    if (handler.ownerOnly && !context.session.isOwner) throw authRequired();
    return (handler as VerbHandler<typeof command.verb>).handle(command as never, context);
  }
}
