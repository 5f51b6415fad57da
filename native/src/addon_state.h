// Per-environment state of the addon (one per main thread or worker): the error constructors
// handed over by JS. (Key contexts are plain objects with bound methods: no classes to keep.)
#pragma once

#include <napi.h>

#include <array>

#include "errors.h"

namespace atagent {

struct AddonState {
  std::array<Napi::FunctionReference, static_cast<size_t>(CryptoErrorKind::kCount)> errorConstructors;
  bool errorConstructorsInstalled = false;
};

// The state of `env`, created by the module initialiser (addon.cc).
AddonState& GetAddonState(Napi::Env env);

}  // namespace atagent
