#pragma once

#include <napi.h>

namespace atagent {

// exports.createRsaPublic(spkiDer) and exports.createRsaPrivate(pkcs8Der): contexts shaped
// like RsaPublicContext / RsaPrivateContext of agent/src/crypto/backend.ts.
void RegisterRsa(Napi::Env env, Napi::Object exports);

}  // namespace atagent
