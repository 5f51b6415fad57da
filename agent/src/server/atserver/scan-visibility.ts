/**
 * Which keys `scan` lists, by who asks (protocol.md §7.5, server.md §3.3), and in which form.
 * Expired and unborn keys are never listed; private keys never; hidden ones only on request.
 */
import { isEnrollmentMachineryKey } from './apkam/enrollment-record.js';

export type Viewer =
  | { readonly kind: 'owner' }
  | { readonly kind: 'pol'; readonly atSign: string }
  | { readonly kind: 'anonymous' };

/** Never listed to anyone, whatever `showHidden` says. */
function isPrivate(key: string): boolean {
  return key.startsWith('private:') || key.startsWith('privatekey:') || isEnrollmentMachineryKey(key);
}

function isHiddenFromOwner(key: string, showHidden: boolean): boolean {
  if (key.startsWith('public:_')) return !(showHidden && key.startsWith('public:__'));
  if (key.startsWith('_')) return !showHidden;
  return false;
}

/**
 * The name a viewer sees for a stored key, or undefined when the key is not theirs to see.
 * The key's activity (ttl/ttb) is checked by the caller.
 */
export function visibleName(key: string, viewer: Viewer, showHidden: boolean): string | undefined {
  if (isPrivate(key)) return undefined;
  switch (viewer.kind) {
    case 'owner':
      return isHiddenFromOwner(key, showHidden) ? undefined : key;
    case 'pol': {
      const prefix = `${viewer.atSign}:`;
      return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
    }
    case 'anonymous':
      return key.startsWith('public:') && !key.startsWith('public:_') ? key.slice('public:'.length) : undefined;
  }
}
