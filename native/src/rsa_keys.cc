#include "rsa_keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

namespace atagent {
namespace {

const EVP_MD* Digest(RsaHash hash) {
  // Fetched once per process rather than implicitly on every call.
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  return hash == RsaHash::kSha256 ? sha256 : sha512;
}

size_t HashIndex(RsaHash hash) { return hash == RsaHash::kSha256 ? 0 : 1; }

// Accepts only plain RSA keys (rsaEncryption OID) of a sensible size.
bool IsUsableRsaKey(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return false;
  const int bits = EVP_PKEY_get_bits(key);
  return bits >= kMinModulusBits && bits <= kMaxModulusBits;
}

EvpPkeyCtxPtr NewContext(EVP_PKEY* key) {
  return EvpPkeyCtxPtr(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
}

EvpPkeyCtxPtr NewSignatureContext(EVP_PKEY* key, RsaHash hash, bool forSigning) {
  EvpPkeyCtxPtr ctx = NewContext(key);
  const EVP_MD* md = Digest(hash);
  if (!ctx || md == nullptr ||
      (forSigning ? EVP_PKEY_sign_init(ctx.get()) : EVP_PKEY_verify_init(ctx.get())) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
    return nullptr;
  }
  return ctx;
}

bool HashMessage(RsaHash hash, const uint8_t* message, size_t length, uint8_t* digest,
                 size_t* digestLength) {
  unsigned int written = 0;
  const EVP_MD* md = Digest(hash);
  if (md == nullptr || EVP_Digest(message, length, digest, &written, md, nullptr) != 1) return false;
  *digestLength = written;
  return true;
}

bool EncodeSpki(EVP_PKEY* key, std::vector<uint8_t>* der) {
  const int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) return false;
  der->resize(static_cast<size_t>(length));
  uint8_t* p = der->data();
  return i2d_PUBKEY(key, &p) == length;
}

}  // namespace

std::unique_ptr<RsaPublicKey> RsaPublicKey::FromSpki(const uint8_t* der, size_t length,
                                                      RsaStatus* status) {
  *status = RsaStatus::kBadKey;
  const uint8_t* p = der;
  EvpPkeyPtr key(length > 0 ? d2i_PUBKEY(nullptr, &p, static_cast<long>(length)) : nullptr);
  // Trailing bytes after the DER structure mean the input is not one SPKI.
  if (!key || p != der + length || !IsUsableRsaKey(key.get())) {
    ERR_clear_error();
    return nullptr;
  }
  const size_t size = static_cast<size_t>(EVP_PKEY_get_size(key.get()));
  *status = RsaStatus::kOk;
  return std::unique_ptr<RsaPublicKey>(new RsaPublicKey(std::move(key), size));
}

RsaStatus RsaPublicKey::Encrypt(const uint8_t* plaintext, size_t length, uint8_t* out) {
  if (length > size_ - kPkcs1PaddingBytes) return RsaStatus::kPlaintextTooLong;
  if (!rawEncrypt_) {
    EvpPkeyCtxPtr ctx = NewContext(key_.get());
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
      ERR_clear_error();
      return RsaStatus::kOpenSslFailure;
    }
    rawEncrypt_ = std::move(ctx);
  }
  // EM = 0x00 0x02 PS 0x00 M with PS random and non-zero (RFC 8017 §7.2.1). OpenSSL redraws
  // each zero byte of PS with another RNG call (~0.7 µs each, as much as the whole draw); we
  // draw PS plus a surplus in one call and skip the zeros (on average one in 256).
  uint8_t em[kMaxModulusBytes];
  const size_t paddingLength = size_ - 3 - length;
  em[0] = 0x00;
  em[1] = 0x02;
  uint8_t* ps = em + 2;
  constexpr size_t kSurplus = 32;
  uint8_t random[kMaxModulusBytes + kSurplus];
  size_t filled = 0;
  while (filled < paddingLength) {
    const size_t drawn = paddingLength - filled + kSurplus;
    if (RAND_bytes(random, static_cast<int>(drawn)) != 1) {
      OPENSSL_cleanse(em, size_);
      ERR_clear_error();
      return RsaStatus::kOpenSslFailure;
    }
    for (size_t i = 0; i < drawn && filled < paddingLength; ++i) {
      if (random[i] != 0) ps[filled++] = random[i];
    }
  }
  OPENSSL_cleanse(random, paddingLength + kSurplus);
  em[2 + paddingLength] = 0x00;
  std::memcpy(em + 3 + paddingLength, plaintext, length);
  size_t written = size_;
  const bool ok = EVP_PKEY_encrypt(rawEncrypt_.get(), out, &written, em, size_) == 1 &&
                  written == size_;
  OPENSSL_cleanse(em, size_);
  if (!ok) {
    ERR_clear_error();
    return RsaStatus::kOpenSslFailure;
  }
  return RsaStatus::kOk;
}

RsaStatus RsaPublicKey::Verify(RsaHash hash, const uint8_t* message, size_t length,
                               const uint8_t* signature, size_t signatureLength) {
  if (signatureLength != size_) return RsaStatus::kBadSignature;
  EvpPkeyCtxPtr& ctx = verify_[HashIndex(hash)];
  if (!ctx) ctx = NewSignatureContext(key_.get(), hash, false);
  uint8_t digest[EVP_MAX_MD_SIZE];
  size_t digestLength = 0;
  if (!ctx || !HashMessage(hash, message, length, digest, &digestLength)) {
    ERR_clear_error();
    return RsaStatus::kOpenSslFailure;
  }
  // 1 verifies, 0 does not (whatever the signature's form); below 0 is an OpenSSL error.
  const int result = EVP_PKEY_verify(ctx.get(), signature, signatureLength, digest, digestLength);
  if (result == 1) return RsaStatus::kOk;
  // A bad signature leaves reasons on OpenSSL's thread-local queue: drop them.
  ERR_clear_error();
  return result == 0 ? RsaStatus::kBadSignature : RsaStatus::kOpenSslFailure;
}

bool RsaPublicKey::ExportSpki(std::vector<uint8_t>* der) const {
  const bool ok = EncodeSpki(key_.get(), der);
  if (!ok) ERR_clear_error();
  return ok;
}

std::unique_ptr<RsaPrivateKey> RsaPrivateKey::FromPkcs8(const uint8_t* der, size_t length,
                                                        RsaStatus* status) {
  *status = RsaStatus::kBadKey;
  const uint8_t* p = der;
  PKCS8_PRIV_KEY_INFO* info =
      length > 0 ? d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(length)) : nullptr;
  EvpPkeyPtr key(info != nullptr && p == der + length ? EVP_PKCS82PKEY(info) : nullptr);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!key || !IsUsableRsaKey(key.get())) {
    ERR_clear_error();
    return nullptr;
  }
  const size_t size = static_cast<size_t>(EVP_PKEY_get_size(key.get()));

  BIGNUM* n = nullptr;
  BIGNUM* d = nullptr;
  std::vector<uint8_t> modulus(size);
  std::vector<uint8_t> dPadded(size);
  const bool havePrivate = EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                           EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_D, &d) == 1 &&
                           !BN_is_zero(d) &&
                           BN_bn2binpad(n, modulus.data(), static_cast<int>(size)) == static_cast<int>(size) &&
                           BN_bn2binpad(d, dPadded.data(), static_cast<int>(size)) == static_cast<int>(size);
  BN_free(n);
  BN_clear_free(d);
  if (!havePrivate) {
    OPENSSL_cleanse(dPadded.data(), dPadded.size());
    ERR_clear_error();
    return nullptr;
  }
  auto rejection = std::make_unique<ImplicitRejection>(dPadded.data(), size);
  OPENSSL_cleanse(dPadded.data(), dPadded.size());
  if (!rejection->ok()) {
    ERR_clear_error();
    *status = RsaStatus::kOpenSslFailure;
    return nullptr;
  }
  *status = RsaStatus::kOk;
  return std::unique_ptr<RsaPrivateKey>(
      new RsaPrivateKey(std::move(key), size, std::move(modulus), std::move(rejection)));
}

RsaStatus RsaPrivateKey::Decrypt(const uint8_t* ciphertext, size_t length, uint8_t* out,
                                 size_t* messageLength) {
  // Both checks look only at the public ciphertext and modulus.
  if (length != size_ || std::memcmp(ciphertext, modulus_.data(), size_) >= 0) {
    return RsaStatus::kBadCiphertext;
  }
  if (!rawDecrypt_) {
    EvpPkeyCtxPtr ctx = NewContext(key_.get());
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) != 1) {
      ERR_clear_error();
      return RsaStatus::kOpenSslFailure;
    }
    rawDecrypt_ = std::move(ctx);
  }
  // The raw private operation (with OpenSSL's base blinding), then our constant-time unpadding.
  uint8_t em[kMaxModulusBytes];
  size_t emLength = size_;
  RsaStatus status = RsaStatus::kOpenSslFailure;
  if (EVP_PKEY_decrypt(rawDecrypt_.get(), em, &emLength, ciphertext, length) == 1 &&
      emLength == size_) {
    const int unpadded = rejection_->Unpad(em, ciphertext, out);
    if (unpadded >= 0) {
      *messageLength = static_cast<size_t>(unpadded);
      status = RsaStatus::kOk;
    }
  }
  OPENSSL_cleanse(em, size_);
  return status;
}

RsaStatus RsaPrivateKey::Sign(RsaHash hash, const uint8_t* message, size_t length, uint8_t* out) {
  EvpPkeyCtxPtr& ctx = sign_[HashIndex(hash)];
  if (!ctx) ctx = NewSignatureContext(key_.get(), hash, true);
  uint8_t digest[EVP_MAX_MD_SIZE];
  size_t digestLength = 0;
  size_t written = size_;
  if (!ctx || !HashMessage(hash, message, length, digest, &digestLength) ||
      EVP_PKEY_sign(ctx.get(), out, &written, digest, digestLength) != 1 || written != size_) {
    return RsaStatus::kOpenSslFailure;
  }
  return RsaStatus::kOk;
}

bool RsaPrivateKey::ExportSpki(std::vector<uint8_t>* der) const {
  const bool ok = EncodeSpki(key_.get(), der);
  if (!ok) ERR_clear_error();
  return ok;
}

bool RsaPrivateKey::ExportPkcs8(std::vector<uint8_t>* der) const {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key_.get());
  bool ok = false;
  if (info != nullptr) {
    uint8_t* encoded = nullptr;
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info, &encoded);
    if (length > 0) {
      der->assign(encoded, encoded + length);
      ok = true;
    }
    if (encoded != nullptr) OPENSSL_clear_free(encoded, length > 0 ? static_cast<size_t>(length) : 0);
    PKCS8_PRIV_KEY_INFO_free(info);
  }
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace atagent
