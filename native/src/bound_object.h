// Context objects handed to JavaScript (an AES key, an RSA key) are plain objects whose
// methods are native functions carrying the C++ context as their callback data. Calling one
// needs no `this` unwrapping (napi_unwrap is a private-symbol lookup on every call), which
// matters on the AES hot path. Each function holds a shared_ptr to the context, so the
// context lives as long as any of its methods is reachable, even one detached from the object.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>

namespace atagent {

template <typename T>
inline T& BoundContext(const Napi::CallbackInfo& info) {
  return **static_cast<std::shared_ptr<T>*>(info.Data());
}

// Defines `object[name]` as a non-writable method bound to `context`. `externalBytes` is the
// native memory the context holds, reported to V8 so the GC weighs small JS handles to large
// native state correctly; pass it for one method per context only.
template <typename T, Napi::Function::Callback Method>
void DefineBoundMethod(Napi::Env env, Napi::Object object, const char* name,
                       const std::shared_ptr<T>& context, int64_t externalBytes = 0) {
  struct Binding {
    std::shared_ptr<T> context;
    int64_t externalBytes;
  };
  auto binding = std::make_unique<Binding>(Binding{context, externalBytes});
  Napi::Function fn = Napi::Function::New<Method>(env, name, &binding->context);
  fn.AddFinalizer(
      [](Napi::Env finalizerEnv, Binding* b) {
        if (b->externalBytes != 0) {
          Napi::MemoryManagement::AdjustExternalMemory(finalizerEnv, -b->externalBytes);
        }
        delete b;
      },
      binding.get());
  binding.release();  // owned by the finalizer from here on
  if (externalBytes != 0) Napi::MemoryManagement::AdjustExternalMemory(env, externalBytes);
  object.DefineProperty(Napi::PropertyDescriptor::Value(name, fn, napi_enumerable));
}

}  // namespace atagent
