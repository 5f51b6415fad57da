// Reading Uint8Array (and Buffer) arguments without copying. This sits on every hot path, so
// it uses one raw napi_get_typedarray_info call and keeps the error branch out of line.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace atagent {

struct ByteView {
  uint8_t* data;
  size_t length;
};

// Throws TypeError("<what> must be a Uint8Array").
[[noreturn]] void ThrowNotBytes(napi_env env, const char* what);

// Returns a view of `value`'s bytes, or throws TypeError when it is not a Uint8Array.
// The view is valid until control returns to JavaScript.
inline ByteView ByteArg(napi_env env, napi_value value, const char* what) {
  static uint8_t emptyByte = 0;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (value == nullptr ||
      napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    ThrowNotBytes(env, what);
  }
  // A zero-length (or detached) array may report a null data pointer; callers may still form
  // pointers from it, so give them a valid one.
  if (data == nullptr) return ByteView{&emptyByte, 0};
  return ByteView{static_cast<uint8_t*>(data), length};
}

inline ByteView ByteArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  return ByteArg(info.Env(), index < info.Length() ? static_cast<napi_value>(info[index]) : nullptr,
                 what);
}

}  // namespace atagent
