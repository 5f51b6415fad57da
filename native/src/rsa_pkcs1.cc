#include "rsa_pkcs1.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>

#include <cstring>

#include "constant_time.h"

namespace atagent {
namespace {

constexpr size_t kLengthCandidates = 128;
constexpr size_t kMinPaddingBytes = 8;

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

bool InitHmacSha256(EVP_MAC_CTX* ctx, const uint8_t* key, size_t keyLength) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_init(ctx, key, keyLength, params) == 1;
}

// Re-initialising with a null key restarts the MAC under the key it already holds.
bool RestartHmac(EVP_MAC_CTX* ctx) { return EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1; }

bool FinalHmac(EVP_MAC_CTX* ctx, uint8_t* out) {
  size_t written = 0;
  return EVP_MAC_final(ctx, out, &written, kSha256Bytes) == 1 && written == kSha256Bytes;
}

}  // namespace

ImplicitRejection::ImplicitRejection(const uint8_t* dPadded, size_t modulusBytes)
    : modulusBytes_(modulusBytes) {
  EVP_MAC* hmac = HmacAlgorithm();
  if (hmac == nullptr) return;
  uint8_t dHash[kSha256Bytes];
  unsigned int hashLength = 0;
  EVP_MAC_CTX* kdk = EVP_MAC_CTX_new(hmac);
  EVP_MAC_CTX* prf = EVP_MAC_CTX_new(hmac);
  const bool ok = kdk != nullptr && prf != nullptr &&
                  EVP_Digest(dPadded, modulusBytes, dHash, &hashLength, EVP_sha256(), nullptr) == 1 &&
                  InitHmacSha256(kdk, dHash, sizeof(dHash));
  OPENSSL_cleanse(dHash, sizeof(dHash));
  if (!ok) {
    EVP_MAC_CTX_free(kdk);
    EVP_MAC_CTX_free(prf);
    return;
  }
  kdkMac_ = kdk;
  prfMac_ = prf;
}

ImplicitRejection::~ImplicitRejection() {
  EVP_MAC_CTX_free(kdkMac_);
  EVP_MAC_CTX_free(prfMac_);
}

bool ImplicitRejection::Prf(const uint8_t* kdk, const char* label, uint8_t* out, size_t outBytes) {
  if (!InitHmacSha256(prfMac_, kdk, kSha256Bytes)) return false;
  const size_t bitLength = outBytes * 8;
  const uint8_t beBits[2] = {static_cast<uint8_t>(bitLength >> 8), static_cast<uint8_t>(bitLength)};
  const size_t labelLength = std::strlen(label);
  uint8_t block[kSha256Bytes];
  bool ok = true;
  for (size_t pos = 0, iter = 0; pos < outBytes && ok; pos += kSha256Bytes, ++iter) {
    const uint8_t beIter[2] = {static_cast<uint8_t>(iter >> 8), static_cast<uint8_t>(iter)};
    ok = (iter == 0 || RestartHmac(prfMac_)) && EVP_MAC_update(prfMac_, beIter, 2) == 1 &&
         EVP_MAC_update(prfMac_, reinterpret_cast<const uint8_t*>(label), labelLength) == 1 &&
         EVP_MAC_update(prfMac_, beBits, 2) == 1 && FinalHmac(prfMac_, block);
    if (ok) {
      const size_t take = outBytes - pos < kSha256Bytes ? outBytes - pos : kSha256Bytes;
      std::memcpy(out + pos, block, take);
    }
  }
  OPENSSL_cleanse(block, sizeof(block));
  return ok;
}

int ImplicitRejection::Unpad(const uint8_t* em, const uint8_t* ciphertext, uint8_t* out) {
  const size_t k = modulusBytes_;
  uint8_t kdk[kSha256Bytes];
  uint8_t lengths[kLengthCandidates * 2];
  uint8_t synthetic[kMaxModulusBytes];
  const bool ok = RestartHmac(kdkMac_) && EVP_MAC_update(kdkMac_, ciphertext, k) == 1 &&
                  FinalHmac(kdkMac_, kdk) && Prf(kdk, "message", synthetic, k) &&
                  Prf(kdk, "length", lengths, sizeof(lengths));
  OPENSSL_cleanse(kdk, sizeof(kdk));
  if (!ok) {
    OPENSSL_cleanse(synthetic, k);
    return -1;
  }

  // Synthetic length: the last masked candidate below maxLength (step 5 above).
  const uint32_t maxLength = static_cast<uint32_t>(k - 2 - kMinPaddingBytes);
  uint32_t mask = maxLength;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  uint32_t synthLength = 0;
  for (size_t i = 0; i < sizeof(lengths); i += 2) {
    const uint32_t candidate = ((uint32_t{lengths[i]} << 8) | lengths[i + 1]) & mask;
    synthLength = ct::Select(ct::Less(candidate, maxLength), candidate, synthLength);
  }
  const uint32_t synthIndex = static_cast<uint32_t>(k) - synthLength;

  // Padding check over every byte, whatever it finds.
  uint32_t good = ct::IsZero(em[0]) & ct::Equal(em[1], 2);
  uint32_t foundZero = 0;
  uint32_t zeroIndex = 0;
  for (uint32_t i = 2; i < k; ++i) {
    const uint32_t isZero = ct::IsZero(em[i]);
    zeroIndex = ct::Select(~foundZero & isZero, i, zeroIndex);
    foundZero |= isZero;
  }
  good &= ct::GreaterOrEqual(zeroIndex, 2 + kMinPaddingBytes);
  const uint32_t msgIndex = ct::Select(good, zeroIndex + 1, synthIndex);

  // Reads both buffers at every position so the cache footprint does not depend on `good`.
  uint32_t j = 0;
  for (uint32_t i = msgIndex; i < k; ++i, ++j) {
    out[j] = ct::Select8(good, em[i], synthetic[i]);
  }
  OPENSSL_cleanse(synthetic, k);
  OPENSSL_cleanse(lengths, sizeof(lengths));
  return static_cast<int>(j);
}

}  // namespace atagent
