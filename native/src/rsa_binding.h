#pragma once

#include <napi.h>

namespace atagent {

// exports.createRsaPublic(spkiDer) → { size, encryptInto(plaintext, out), verify(hash, message,
// signature), exportSpki() } and exports.createRsaPrivate(pkcs8Der) → { size, decrypt(ciphertext),
// sign(hash, message), exportSpki(), exportPkcs8() }; native-backend.ts adapts them to
// RsaPublicContext / RsaPrivateContext of agent/src/crypto/backend.ts.
void RegisterRsa(Napi::Env env, Napi::Object exports);

}  // namespace atagent
