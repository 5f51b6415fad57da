// RSA keys parsed once from DER and the PKCS#1 v1.5 operations on them. Each key keeps its
// OpenSSL operation contexts (created on first use) so repeated calls pay only for the
// arithmetic, not for provider look-ups and context set-up.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "rsa_pkcs1.h"

namespace atagent {

enum class RsaHash { kSha256, kSha512 };

enum class RsaStatus {
  kOk,
  kBadKey,               // DER unparsable, not RSA, wrong size, missing private parts
  kBadCiphertext,        // decrypt input not modulus-sized or >= n
  kPlaintextTooLong,     // encrypt input > size - 11
  kBadSignature,         // verify: the signature does not match (any form, any length)
  kOpenSslFailure,
};

struct EvpPkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxDeleter>;

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// Moduli outside this range are refused as BadKey.
constexpr int kMinModulusBits = 1024;
constexpr int kMaxModulusBits = static_cast<int>(kMaxModulusBytes * 8);
constexpr size_t kPkcs1PaddingBytes = 11;

class RsaPublicKey {
 public:
  // Parses SPKI DER; on failure returns null and sets *status.
  static std::unique_ptr<RsaPublicKey> FromSpki(const uint8_t* der, size_t length, RsaStatus* status);

  size_t size() const { return size_; }
  // `out` holds size() bytes.
  RsaStatus Encrypt(const uint8_t* plaintext, size_t length, uint8_t* out);
  // kOk, or kBadSignature for any signature that does not verify (including a wrong length);
  // kOpenSslFailure only when OpenSSL itself fails, so a fault is never reported as a forgery.
  RsaStatus Verify(RsaHash hash, const uint8_t* message, size_t length, const uint8_t* signature,
              size_t signatureLength);
  bool ExportSpki(std::vector<uint8_t>* der) const;

 private:
  explicit RsaPublicKey(EvpPkeyPtr key, size_t size) : key_(std::move(key)), size_(size) {}

  EvpPkeyPtr key_;
  size_t size_;
  EvpPkeyCtxPtr rawEncrypt_;  // RSA_NO_PADDING: we build the PKCS#1 v1.5 block ourselves
  EvpPkeyCtxPtr verify_[2];
};

class RsaPrivateKey {
 public:
  // Parses PKCS#8 DER; on failure returns null and sets *status.
  static std::unique_ptr<RsaPrivateKey> FromPkcs8(const uint8_t* der, size_t length,
                                                  RsaStatus* status);

  size_t size() const { return size_; }
  // RSAES-PKCS1-v1_5 with implicit rejection (rsa_pkcs1.h). `out` holds size() bytes;
  // *messageLength receives the message length.
  RsaStatus Decrypt(const uint8_t* ciphertext, size_t length, uint8_t* out, size_t* messageLength);
  // `out` holds size() bytes.
  RsaStatus Sign(RsaHash hash, const uint8_t* message, size_t length, uint8_t* out);
  bool ExportSpki(std::vector<uint8_t>* der) const;
  // The caller must wipe `der` after use.
  bool ExportPkcs8(std::vector<uint8_t>* der) const;

 private:
  RsaPrivateKey(EvpPkeyPtr key, size_t size, std::vector<uint8_t> modulus,
                std::unique_ptr<ImplicitRejection> rejection)
      : key_(std::move(key)),
        size_(size),
        modulus_(std::move(modulus)),
        rejection_(std::move(rejection)) {}

  EvpPkeyPtr key_;
  size_t size_;
  std::vector<uint8_t> modulus_;  // n, big-endian, size_ bytes: for the C < n check
  std::unique_ptr<ImplicitRejection> rejection_;
  EvpPkeyCtxPtr rawDecrypt_;
  EvpPkeyCtxPtr sign_[2];
};

}  // namespace atagent
