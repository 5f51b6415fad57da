/**
 * Every verb this atServer serves, one handler per verb, each in its own file. Adding a
 * verb: write `verbs/<verb>.ts` exporting a VerbHandler and add it to this list. A verb that
 * is not listed answers AT0003 `invalid command`, like a verb that does not exist.
 */
import type { VerbHandler } from '../verb-handler.js';
import { batchVerb } from './batch.js';
import { configVerb } from './config.js';
import { cramVerb } from './cram.js';
import { deleteVerb } from './delete.js';
import { enrollVerb } from './enroll.js';
import { fromVerb } from './from.js';
import { infoVerb } from './info.js';
import { keysVerb } from './keys.js';
import { llookupVerb } from './llookup.js';
import { lookupVerb } from './lookup.js';
import { monitorVerb } from './monitor.js';
import { noopVerb } from './noop.js';
import { notifyVerb } from './notify.js';
import { notifyAllVerb } from './notify-all.js';
import { notifyFetchVerb } from './notify-fetch.js';
import { notifyListVerb } from './notify-list.js';
import { notifyRemoveVerb } from './notify-remove.js';
import { notifyStatusVerb } from './notify-status.js';
import { otpVerb } from './otp.js';
import { pkamVerb } from './pkam.js';
import { plookupVerb } from './plookup.js';
import { polVerb } from './pol.js';
import { scanVerb } from './scan.js';
import { statsVerb } from './stats.js';
import { syncFromVerb } from './sync-from.js';
import { updateMetaVerb } from './update-meta.js';
import { updateJsonVerb, updateVerb } from './update.js';

export const CORE_VERB_HANDLERS: readonly VerbHandler[] = [
  fromVerb,
  cramVerb,
  pkamVerb,
  polVerb,
  updateVerb,
  updateJsonVerb,
  updateMetaVerb,
  llookupVerb,
  lookupVerb,
  plookupVerb,
  deleteVerb,
  scanVerb,
  statsVerb,
  configVerb,
  infoVerb,
  noopVerb,
  syncFromVerb,
  batchVerb,
  enrollVerb,
  otpVerb,
  keysVerb,
  notifyVerb,
  notifyListVerb,
  notifyStatusVerb,
  notifyFetchVerb,
  notifyRemoveVerb,
  notifyAllVerb,
  monitorVerb,
] as VerbHandler[];
