// JavaScript surface of base2e15. Encoding builds the UTF-16 text natively and hands it to V8
// (copied for short texts, adopted as an external string for long ones); decoding copies the string's code units out once
// and writes into a caller-owned buffer of at least floor(15 * text.length / 8) bytes.
#include "base2e15_binding.h"

#include <memory>
#include <string>

#if defined(__linux__) || defined(__APPLE__)
#include <dlfcn.h>
#endif

#include "base2e15.h"
#include "byte_args.h"
#include "errors.h"

namespace atagent {
namespace {

// Texts up to this many code units are staged on the stack; larger ones on the heap.
constexpr size_t kStackChars = 2048;

// Staging memory for UTF-16 code units.
class CharBuffer {
 public:
  explicit CharBuffer(size_t count) {
    if (count > kStackChars) {
      heap_.reset(new char16_t[count]);
      data_ = heap_.get();
    }
  }
  char16_t* data() { return data_; }

 private:
  char16_t stack_[kStackChars];
  std::unique_ptr<char16_t[]> heap_;
  char16_t* data_ = stack_;
};

void ThrowIfNotOk(Napi::Env env, napi_status status) {
  if (status != napi_ok) throw Napi::Error::New(env);
}

// From this many code units on, the text goes to V8 as an external string. Copying it into a
// fresh large-object page costs V8 about twice as long as encoding a megabyte (page faults on
// every allocation); an external string adopts our buffer instead. Its size is reported as
// external memory so the GC collects such strings as promptly as it does large Buffers.
constexpr size_t kExternalStringChars = 64 * 1024;

using CreateExternalUtf16 = napi_status (*)(napi_env, char16_t*, size_t, napi_finalize, void*,
                                            napi_value*, bool*);

// node_api_create_external_string_utf16 is still "experimental" Node-API (Node >= 18.18 and
// 20.4): look it up at run time so the addon loads on any Node and copies where it is absent.
CreateExternalUtf16 ExternalStringFactory() {
#if defined(__linux__) || defined(__APPLE__)
  static CreateExternalUtf16 factory = reinterpret_cast<CreateExternalUtf16>(
      dlsym(RTLD_DEFAULT, "node_api_create_external_string_utf16"));
  return factory;
#else
  return nullptr;
#endif
}

int64_t ExternalBytes(size_t chars) { return static_cast<int64_t>(chars * sizeof(char16_t)); }

// `hint` carries the character count.
void FreeExternalChars(napi_env env, void* data, void* hint) {
  int64_t ignored;
  if (env != nullptr) {
    napi_adjust_external_memory(env, -ExternalBytes(reinterpret_cast<uintptr_t>(hint)), &ignored);
  }
  delete[] static_cast<char16_t*>(data);
}

napi_value EncodeToExternalString(Napi::Env env, CreateExternalUtf16 createExternal,
                                  const ByteView& bytes, size_t count) {
  std::unique_ptr<char16_t[]> chars(new char16_t[count]);
  Base2e15Encode(bytes.data, bytes.length, chars.get());
  int64_t ignored;
  // Accounted before the call: if V8 copies instead, it runs the finalizer at once.
  napi_adjust_external_memory(env, ExternalBytes(count), &ignored);
  napi_value result;
  bool copied = false;
  const napi_status status = createExternal(env, chars.get(), count, FreeExternalChars,
                                            reinterpret_cast<void*>(static_cast<uintptr_t>(count)),
                                            &result, &copied);
  if (status != napi_ok) {
    napi_adjust_external_memory(env, -ExternalBytes(count), &ignored);
    ThrowIfNotOk(env, status);
  }
  chars.release();  // the finalizer owns it now
  return result;
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView bytes = ByteArg(info, 0, "bytes");
  const size_t count = Base2e15EncodedLength(bytes.length);
  CreateExternalUtf16 createExternal = ExternalStringFactory();
  if (count >= kExternalStringChars && createExternal != nullptr) {
    return Napi::Value(env, EncodeToExternalString(env, createExternal, bytes, count));
  }
  napi_value result;
  CharBuffer chars(count);
  Base2e15Encode(bytes.data, bytes.length, chars.data());
  ThrowIfNotOk(env, napi_create_string_utf16(env, chars.data(), count, &result));
  return Napi::Value(env, result);
}

const char* Describe(Base2e15Error error) {
  switch (error) {
    case Base2e15Error::kOutsideAlphabet:
      return "code unit outside the base2e15 alphabet";
    case Base2e15Error::kAfterTail:
      return "text continues after the final 7-bit character";
    case Base2e15Error::kTailWithoutBits:
      return "7-bit final character where no byte is pending (first character or after a full group)";
    case Base2e15Error::kNonZeroPadding:
      return "non-zero padding bits";
    case Base2e15Error::kNone:
      break;
  }
  return "malformed base2e15";
}

Napi::Value DecodeInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowTypeError(env, "text must be a string");
  if (info.Length() < 2 || !info[1].IsBoolean()) ThrowTypeError(env, "strict must be a boolean");
  const bool strict = info[1].As<Napi::Boolean>().Value();
  ByteView out = ByteArg(info, 2, "out");
  size_t length = 0;
  ThrowIfNotOk(env, napi_get_value_string_utf16(env, info[0], nullptr, 0, &length));
  if (out.length < Base2e15MaxDecodedLength(length)) {
    ThrowRangeError(env, "out must hold floor(15 * text.length / 8) bytes");
  }
  CharBuffer chars(length + 1);  // napi writes a terminating NUL
  size_t copied = 0;
  ThrowIfNotOk(env, napi_get_value_string_utf16(env, info[0], chars.data(), length + 1, &copied));
  Base2e15DecodeResult result = Base2e15Decode(chars.data(), copied, strict, out.data);
  if (result.error != Base2e15Error::kNone) {
    std::string message = std::string("invalid base2e15 at code unit ") +
                          std::to_string(result.errorIndex) + ": " + Describe(result.error);
    ThrowCryptoError(env, CryptoErrorKind::kBadBase2e15, message.c_str());
  }
  return Napi::Number::New(env, static_cast<double>(result.bytesWritten));
}

}  // namespace

void RegisterBase2e15(Napi::Env env, Napi::Object exports) {
  exports.Set("base2e15Encode", Napi::Function::New<Encode>(env, "base2e15Encode"));
  exports.Set("base2e15DecodeInto", Napi::Function::New<DecodeInto>(env, "base2e15DecodeInto"));
}

}  // namespace atagent
