// JavaScript surface of AES-256-CTR+PKCS#7: createAes(key) → { encryptInto, decryptInto }.
// Both write into caller-owned buffers: allocating a Buffer in native code costs more than
// the cipher itself for short messages.
#include "aes_ctr_binding.h"

#include <memory>

#include "aes_ctr.h"
#include "bound_object.h"
#include "byte_args.h"
#include "errors.h"

namespace atagent {
namespace {

// Roughly what EVP_CIPHER_CTX, the provider's AES-CTR state and the two bound functions
// occupy (measured: ~1.6 kB per context).
constexpr int64_t kAesContextBytes = 1536;

const uint8_t* IvArg(const Napi::CallbackInfo& info) {
  ByteView view = ByteArg(info, 0, "iv");
  if (view.length != kAesBlockBytes) {
    ThrowCryptoError(info.Env(), CryptoErrorKind::kBadIv, "AES-CTR IV must be 16 bytes");
  }
  return view.data;
}

bool PartiallyOverlap(const ByteView& a, const ByteView& b) {
  if (a.data == b.data) return false;
  const uintptr_t a0 = reinterpret_cast<uintptr_t>(a.data);
  const uintptr_t b0 = reinterpret_cast<uintptr_t>(b.data);
  return a0 < b0 + b.length && b0 < a0 + a.length;
}

Napi::Value EncryptInto(const Napi::CallbackInfo& info) {
  AesCtrCipher& cipher = BoundContext<AesCtrCipher>(info);
  const uint8_t* iv = IvArg(info);
  ByteView plaintext = ByteArg(info, 1, "plaintext");
  ByteView out = ByteArg(info, 2, "out");
  const size_t needed = AesPaddedLength(plaintext.length);
  if (out.length < needed) {
    ThrowRangeError(info.Env(), "out is too small for the padded ciphertext");
  }
  if (PartiallyOverlap(plaintext, out)) {
    ThrowRangeError(info.Env(), "out must not partially overlap plaintext");
  }
  if (cipher.EncryptPadded(iv, plaintext.data, plaintext.length, out.data) != AesStatus::kOk) {
    ThrowOpenSslFailure(info.Env(), "AES-256-CTR encryption");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(needed));
}

Napi::Value DecryptInto(const Napi::CallbackInfo& info) {
  AesCtrCipher& cipher = BoundContext<AesCtrCipher>(info);
  const uint8_t* iv = IvArg(info);
  ByteView ciphertext = ByteArg(info, 1, "ciphertext");
  ByteView out = ByteArg(info, 2, "out");
  if (ciphertext.length == 0 || ciphertext.length % kAesBlockBytes != 0) {
    ThrowCryptoError(info.Env(), CryptoErrorKind::kBadCiphertext,
                     "AES-CTR+PKCS#7 ciphertext must be a non-zero multiple of 16 bytes");
  }
  if (out.length < ciphertext.length) {
    ThrowRangeError(info.Env(), "out is smaller than the ciphertext");
  }
  if (PartiallyOverlap(ciphertext, out)) {
    ThrowRangeError(info.Env(), "out must not partially overlap ciphertext");
  }
  size_t plaintextLength = 0;
  switch (cipher.DecryptPadded(iv, ciphertext.data, ciphertext.length, out.data,
                               &plaintextLength)) {
    case AesStatus::kOk:
      break;
    case AesStatus::kBadPadding:
      ThrowCryptoError(info.Env(), CryptoErrorKind::kBadPadding,
                       "PKCS#7 padding check failed (wrong key, wrong IV or corrupted data)");
    case AesStatus::kOpenSslFailure:
      ThrowOpenSslFailure(info.Env(), "AES-256-CTR decryption");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(plaintextLength));
}

Napi::Value CreateAes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView key = ByteArg(info, 0, "key");
  if (key.length != kAesKeyBytes) {
    ThrowCryptoError(env, CryptoErrorKind::kBadKey, "AES-256 key must be 32 bytes");
  }
  auto cipher = std::make_shared<AesCtrCipher>(key.data);
  if (!cipher->ok()) ThrowOpenSslFailure(env, "AES-256-CTR key setup");
  Napi::Object context = Napi::Object::New(env);
  DefineBoundMethod<AesCtrCipher, EncryptInto>(env, context, "encryptInto", cipher,
                                               kAesContextBytes);
  DefineBoundMethod<AesCtrCipher, DecryptInto>(env, context, "decryptInto", cipher);
  return context;
}

}  // namespace

void RegisterAesCtr(Napi::Env env, Napi::Object exports) {
  exports.Set("createAes", Napi::Function::New<CreateAes>(env, "createAes"));
}

}  // namespace atagent
