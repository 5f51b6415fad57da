#include "malloc_tuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "errors.h"

namespace atagent {
namespace {

Napi::Value SetMallocMmapThreshold(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowTypeError(env, "setMallocMmapThreshold expects (bytes: number)");
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  // glibc accepts 0 .. HEAP_MAX/2 (32 MiB on 64-bit); anything else is a caller's mistake.
  if (!(bytes >= 0 && bytes <= 32.0 * 1024 * 1024) || bytes != static_cast<double>(static_cast<int>(bytes))) {
    ThrowRangeError(env, "setMallocMmapThreshold: bytes must be an integer from 0 to 33554432");
  }
#if defined(__GLIBC__)
  return Napi::Boolean::New(env, mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes)) == 1);
#else
  return Napi::Boolean::New(env, false);
#endif
}

}  // namespace

void RegisterMallocTuning(Napi::Env env, Napi::Object exports) {
  exports.Set("setMallocMmapThreshold", Napi::Function::New<SetMallocMmapThreshold>(env, "setMallocMmapThreshold"));
}

}  // namespace atagent
