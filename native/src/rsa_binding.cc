// JavaScript surface of the RSA keys: createRsaPublic(spkiDer) and createRsaPrivate(pkcs8Der)
// return plain objects whose methods are bound to the parsed key (see bound_object.h).
#include "rsa_binding.h"

#include <openssl/crypto.h>

#include <cstring>
#include <memory>
#include <vector>

#include "bound_object.h"
#include "byte_args.h"
#include "errors.h"
#include "rsa_keys.h"

namespace atagent {
namespace {

// Rough native footprint of a parsed key with its cached operation contexts.
constexpr int64_t kRsaPublicBytes = 4096;
constexpr int64_t kRsaPrivateBytes = 16384;

RsaHash HashArg(const Napi::CallbackInfo& info, size_t index) {
  Napi::Value value = info[index];
  if (value.IsString()) {
    char name[8] = {0};
    size_t length = 0;
    napi_get_value_string_utf8(info.Env(), value, name, sizeof(name), &length);
    if (length == 6 && std::memcmp(name, "sha256", 6) == 0) return RsaHash::kSha256;
    if (length == 6 && std::memcmp(name, "sha512", 6) == 0) return RsaHash::kSha512;
  }
  ThrowTypeError(info.Env(), "hash must be 'sha256' or 'sha512'");
}

Napi::Value BufferOf(Napi::Env env, const std::vector<uint8_t>& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size());
}

// --- public key ---------------------------------------------------------------------------

// encryptInto(plaintext, out) → bytes written (always size). The caller allocates `out`:
// a pooled Buffer.allocUnsafe in JS costs a fraction of a native Buffer allocation, which
// would otherwise be a tenth of the whole RSA public operation.
Napi::Value PublicEncryptInto(const Napi::CallbackInfo& info) {
  RsaPublicKey& key = BoundContext<RsaPublicKey>(info);
  ByteView plaintext = ByteArg(info, 0, "plaintext");
  ByteView out = ByteArg(info, 1, "out");
  if (out.length < key.size()) ThrowRangeError(info.Env(), "out is smaller than the modulus size");
  const RsaStatus status = key.Encrypt(plaintext.data, plaintext.length, out.data);
  if (status == RsaStatus::kPlaintextTooLong) {
    ThrowCryptoError(info.Env(), CryptoErrorKind::kPlaintextTooLong,
                     "RSA PKCS#1 v1.5 plaintext is longer than the modulus size minus 11 bytes");
  }
  if (status != RsaStatus::kOk) ThrowOpenSslFailure(info.Env(), "RSA encryption");
  return Napi::Number::New(info.Env(), static_cast<double>(key.size()));
}

Napi::Value PublicVerify(const Napi::CallbackInfo& info) {
  RsaPublicKey& key = BoundContext<RsaPublicKey>(info);
  const RsaHash hash = HashArg(info, 0);
  ByteView message = ByteArg(info, 1, "message");
  ByteView signature = ByteArg(info, 2, "signature");
  const RsaStatus status = key.Verify(hash, message.data, message.length, signature.data, signature.length);
  if (status == RsaStatus::kOpenSslFailure) ThrowOpenSslFailure(info.Env(), "RSA verification");
  return Napi::Boolean::New(info.Env(), status == RsaStatus::kOk);
}

Napi::Value PublicExportSpki(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> der;
  if (!BoundContext<RsaPublicKey>(info).ExportSpki(&der)) {
    ThrowOpenSslFailure(info.Env(), "SPKI export");
  }
  return BufferOf(info.Env(), der);
}

Napi::Value CreateRsaPublic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView der = ByteArg(info, 0, "spkiDer");
  RsaStatus status;
  std::shared_ptr<RsaPublicKey> key = RsaPublicKey::FromSpki(der.data, der.length, &status);
  if (!key) {
    ThrowCryptoError(env, CryptoErrorKind::kBadKey,
                     "not an RSA public key (SubjectPublicKeyInfo DER, 1024-8192 bits)");
  }
  Napi::Object context = Napi::Object::New(env);
  context.DefineProperty(Napi::PropertyDescriptor::Value(
      "size", Napi::Number::New(env, static_cast<double>(key->size())), napi_enumerable));
  DefineBoundMethod<RsaPublicKey, PublicEncryptInto>(env, context, "encryptInto", key, kRsaPublicBytes);
  DefineBoundMethod<RsaPublicKey, PublicVerify>(env, context, "verify", key);
  DefineBoundMethod<RsaPublicKey, PublicExportSpki>(env, context, "exportSpki", key);
  return context;
}

// --- private key --------------------------------------------------------------------------

Napi::Value PrivateDecrypt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RsaPrivateKey& key = BoundContext<RsaPrivateKey>(info);
  ByteView ciphertext = ByteArg(info, 0, "ciphertext");
  uint8_t message[kMaxModulusBytes];
  size_t messageLength = 0;
  const RsaStatus status = key.Decrypt(ciphertext.data, ciphertext.length, message, &messageLength);
  if (status == RsaStatus::kOk) {
    Napi::Value result = Napi::Buffer<uint8_t>::Copy(env, message, messageLength);
    OPENSSL_cleanse(message, key.size());
    return result;
  }
  OPENSSL_cleanse(message, key.size());
  if (status == RsaStatus::kBadCiphertext) {
    ThrowCryptoError(env, CryptoErrorKind::kBadCiphertext,
                     "RSA ciphertext must be exactly the modulus size and below the modulus");
  }
  ThrowOpenSslFailure(env, "RSA decryption");
}

Napi::Value PrivateSign(const Napi::CallbackInfo& info) {
  RsaPrivateKey& key = BoundContext<RsaPrivateKey>(info);
  const RsaHash hash = HashArg(info, 0);
  ByteView message = ByteArg(info, 1, "message");
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(info.Env(), key.size());
  if (key.Sign(hash, message.data, message.length, out.Data()) != RsaStatus::kOk) {
    ThrowOpenSslFailure(info.Env(), "RSA signing");
  }
  return out;
}

Napi::Value PrivateExportSpki(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> der;
  if (!BoundContext<RsaPrivateKey>(info).ExportSpki(&der)) {
    ThrowOpenSslFailure(info.Env(), "SPKI export");
  }
  return BufferOf(info.Env(), der);
}

Napi::Value PrivateExportPkcs8(const Napi::CallbackInfo& info) {
  std::vector<uint8_t> der;
  if (!BoundContext<RsaPrivateKey>(info).ExportPkcs8(&der)) {
    ThrowOpenSslFailure(info.Env(), "PKCS#8 export");
  }
  Napi::Value result = BufferOf(info.Env(), der);
  OPENSSL_cleanse(der.data(), der.size());
  return result;
}

Napi::Value CreateRsaPrivate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ByteView der = ByteArg(info, 0, "pkcs8Der");
  RsaStatus status;
  std::shared_ptr<RsaPrivateKey> key = RsaPrivateKey::FromPkcs8(der.data, der.length, &status);
  if (!key) {
    if (status == RsaStatus::kOpenSslFailure) ThrowOpenSslFailure(env, "RSA private key set-up");
    ThrowCryptoError(env, CryptoErrorKind::kBadKey,
                     "not an RSA private key (PKCS#8 PrivateKeyInfo DER, 1024-8192 bits)");
  }
  Napi::Object context = Napi::Object::New(env);
  context.DefineProperty(Napi::PropertyDescriptor::Value(
      "size", Napi::Number::New(env, static_cast<double>(key->size())), napi_enumerable));
  DefineBoundMethod<RsaPrivateKey, PrivateDecrypt>(env, context, "decrypt", key, kRsaPrivateBytes);
  DefineBoundMethod<RsaPrivateKey, PrivateSign>(env, context, "sign", key);
  DefineBoundMethod<RsaPrivateKey, PrivateExportSpki>(env, context, "exportSpki", key);
  DefineBoundMethod<RsaPrivateKey, PrivateExportPkcs8>(env, context, "exportPkcs8", key);
  return context;
}

}  // namespace

void RegisterRsa(Napi::Env env, Napi::Object exports) {
  exports.Set("createRsaPublic", Napi::Function::New<CreateRsaPublic>(env, "createRsaPublic"));
  exports.Set("createRsaPrivate", Napi::Function::New<CreateRsaPrivate>(env, "createRsaPrivate"));
}

}  // namespace atagent
