#include "aes_ctr.h"

#include <openssl/crypto.h>

#include <cstring>

#include "constant_time.h"

namespace atagent {
namespace {

// Fetched once per process: an implicit fetch on every EVP_EncryptInit_ex2 would cost a
// provider lookup per key.
const EVP_CIPHER* Aes256Ctr() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
  return cipher;
}

// Up to this length a plaintext is copied into `out` and encrypted in place in one update.
constexpr size_t kSingleUpdateBytes = 1024;

}  // namespace

AesCtrCipher::AesCtrCipher(const uint8_t* key) {
  const EVP_CIPHER* cipher = Aes256Ctr();
  if (cipher == nullptr) return;
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr) return;
  // CTR is symmetric: one "encrypt" context serves both directions.
  if (EVP_EncryptInit_ex2(ctx_, cipher, key, nullptr, nullptr) != 1) {
    EVP_CIPHER_CTX_free(ctx_);
    ctx_ = nullptr;
  }
}

AesCtrCipher::~AesCtrCipher() { EVP_CIPHER_CTX_free(ctx_); }  // also wipes the key schedule

bool AesCtrCipher::Crypt(const uint8_t* iv, const uint8_t* in, size_t length, uint8_t* out,
                         const uint8_t* tail, size_t tailLength, uint8_t* tailOut) {
  // Re-initialising with only an IV keeps the expanded key and resets the counter state.
  if (EVP_EncryptInit_ex2(ctx_, nullptr, nullptr, iv, nullptr) != 1) return false;
  int written = 0;
  // EVP takes int lengths: feed very large inputs in pieces (CTR keeps its position).
  constexpr size_t kChunk = size_t{1} << 30;
  while (length > 0) {
    size_t piece = length < kChunk ? length : kChunk;
    if (EVP_EncryptUpdate(ctx_, out, &written, in, static_cast<int>(piece)) != 1) return false;
    in += piece;
    out += piece;
    length -= piece;
  }
  if (tailLength > 0 &&
      EVP_EncryptUpdate(ctx_, tailOut, &written, tail, static_cast<int>(tailLength)) != 1) {
    return false;
  }
  return true;
}

AesStatus AesCtrCipher::EncryptPadded(const uint8_t* iv, const uint8_t* plaintext, size_t length,
                                      uint8_t* out) {
  const size_t full = length - (length % kAesBlockBytes);
  const size_t rest = length - full;
  const uint8_t padByte = static_cast<uint8_t>(kAesBlockBytes - rest);
  if (length <= kSingleUpdateBytes) {
    // Short messages: pad in `out` and encrypt in place with one EVP update; the copy costs
    // less than a second update call.
    if (out != plaintext) std::memcpy(out, plaintext, length);
    std::memset(out + length, padByte, padByte);
    const bool ok = Crypt(iv, out, length + padByte, out, nullptr, 0, nullptr);
    return ok ? AesStatus::kOk : AesStatus::kOpenSslFailure;
  }
  // Long messages: encrypt straight from `plaintext`, then the padded last block.
  uint8_t lastBlock[kAesBlockBytes];
  std::memcpy(lastBlock, plaintext + full, rest);
  std::memset(lastBlock + rest, padByte, padByte);
  const bool ok = Crypt(iv, plaintext, full, out, lastBlock, kAesBlockBytes, out + full);
  OPENSSL_cleanse(lastBlock, sizeof(lastBlock));
  return ok ? AesStatus::kOk : AesStatus::kOpenSslFailure;
}

AesStatus AesCtrCipher::DecryptPadded(const uint8_t* iv, const uint8_t* ciphertext, size_t length,
                                      uint8_t* out, size_t* plaintextLength) {
  if (!Crypt(iv, ciphertext, length, out, nullptr, 0, nullptr)) return AesStatus::kOpenSslFailure;
  // Check the padding without branching on its bytes: in CTR mode an attacker who can flip
  // ciphertext bits and time the check could otherwise learn the last plaintext bytes.
  const uint8_t* last = out + length - kAesBlockBytes;
  const uint32_t pad = last[kAesBlockBytes - 1];
  uint32_t good = ct::IsNonZero(pad) & ct::LessOrEqual(pad, kAesBlockBytes);
  for (uint32_t i = 1; i <= kAesBlockBytes; ++i) {
    // Bytes within the claimed padding must all equal the pad value.
    const uint32_t inPadding = ct::LessOrEqual(i, pad);
    good &= ~inPadding | ct::Equal(last[kAesBlockBytes - i], pad);
  }
  if (good == 0) {
    OPENSSL_cleanse(out, length);
    return AesStatus::kBadPadding;
  }
  *plaintextLength = length - pad;
  return AesStatus::kOk;
}

}  // namespace atagent
