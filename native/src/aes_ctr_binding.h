#pragma once

#include <napi.h>

namespace atagent {

// exports.createAes(key: Uint8Array) → { encryptInto(iv, plaintext, out), decryptInto(iv, ciphertext, out) }
void RegisterAesCtr(Napi::Env env, Napi::Object exports);

}  // namespace atagent
