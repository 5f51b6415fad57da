// JavaScript surface of base2e15. Encoding builds the UTF-16 text natively and hands it to V8
// in one copy (napi_create_string_utf16); decoding copies the string's code units out once
// and writes into a caller-owned buffer of at least floor(15 * text.length / 8) bytes.
#include "base2e15_binding.h"

#include <memory>
#include <string>

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

Napi::Value Encode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView bytes = ByteArg(info, 0, "bytes");
  const size_t count = Base2e15EncodedLength(bytes.length);
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
