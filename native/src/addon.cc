// Module initialiser of the atagent native crypto core. Exports:
//   init(errorConstructors)   hand over the errors.ts classes (the loader calls it once)
//   createAes, createRsaPublic, createRsaPrivate, base2e15Encode, base2e15DecodeInto,
//   sdNotify, setMallocMmapThreshold
#include <napi.h>

#include "addon_state.h"
#include "aes_ctr_binding.h"
#include "base2e15_binding.h"
#include "errors.h"
#include "malloc_tuning.h"
#include "rsa_binding.h"
#include "sd_notify.h"

namespace atagent {

AddonState& GetAddonState(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

namespace {

Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) {
    ThrowTypeError(info.Env(), "init expects the errorConstructors object");
  }
  InstallErrorConstructors(info.Env(), info[0].As<Napi::Object>());
  return info.Env().Undefined();
}

}  // namespace
}  // namespace atagent

static Napi::Object InitAtagent(Napi::Env env, Napi::Object exports) {
  using namespace atagent;
  env.SetInstanceData(new AddonState());
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  RegisterAesCtr(env, exports);
  RegisterRsa(env, exports);
  RegisterBase2e15(env, exports);
  RegisterSdNotify(env, exports);
  RegisterMallocTuning(env, exports);
  return exports;
}

NODE_API_MODULE(atagent, InitAtagent)
