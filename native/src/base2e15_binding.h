#pragma once

#include <napi.h>

namespace atagent {

// exports.base2e15Encode(bytes) → string,
// exports.base2e15DecodeInto(text, strict, out) → bytes written; `out` must hold at least
// floor(15 * text.length / 8) bytes.
void RegisterBase2e15(Napi::Env env, Napi::Object exports);

}  // namespace atagent
