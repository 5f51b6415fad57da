// RSAES-PKCS1-v1_5 decryption padding removal with implicit rejection, byte-for-byte as
// OpenSSL 3.2+ does it (Node 20 bundles OpenSSL 3.0, which has no implicit rejection).
//
// The algorithm, for a key with modulus length k bytes (k >= 11), private exponent d, a
// ciphertext C of exactly k bytes (C < n) and EM = the raw RSA result C^d mod n written
// big-endian in k bytes:
//
//   1. dHash = SHA-256(d as big-endian, left-padded with zeros to k bytes)   (once per key)
//   2. KDK   = HMAC-SHA256(key = dHash, message = C)                          (32 bytes)
//   3. PRF(label, outBytes): the concatenation, truncated to outBytes, of
//        HMAC-SHA256(key = KDK, message = BE16(i) || label || BE16(outBytes * 8))
//      for i = 0, 1, 2, ... (BE16 = two bytes big-endian; label without a terminator).
//   4. synthetic = PRF("message", k)          (k bytes)
//      lengths   = PRF("length", 256)         (128 candidates, each BE16 of two bytes)
//   5. maxLength = k - 10 (2 bytes 00 02 + at least 8 padding bytes);
//      mask = maxLength with every bit below its highest set bit also set;
//      synthLength = 0; for each candidate c in order: c &= mask; if c < maxLength then
//      synthLength = c   — so the LAST candidate below maxLength wins (0 if none).
//      The synthetic message is the last synthLength bytes of `synthetic`.
//   6. EM is well-formed when EM[0] = 0x00, EM[1] = 0x02, and the first zero byte at index
//      >= 2 is at index z >= 10. Then the message is EM[z+1 .. k). Otherwise the result is
//      the synthetic message. Every step runs in constant time whatever EM holds; the
//      result (real or synthetic) is selected byte-wise while reading both buffers.
//
// (OpenSSL also pads a ciphertext shorter than k with leading zeros for step 2 and rejects
// results that do not fit the caller's buffer; we accept only k-byte ciphertexts and always
// have a k-byte buffer, so neither case arises.)
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace atagent {

constexpr size_t kSha256Bytes = 32;

// The largest modulus the addon accepts (8192 bits; rsa_keys.h refuses bigger keys). Per-call
// scratch buffers are this size on the stack, so no RSA operation allocates for them.
constexpr size_t kMaxModulusBytes = 1024;

// The per-key part of implicit rejection: holds dHash as a keyed HMAC state.
class ImplicitRejection {
 public:
  // `dPadded` is d big-endian in `modulusBytes` bytes. Check ok() afterwards.
  ImplicitRejection(const uint8_t* dPadded, size_t modulusBytes);
  ~ImplicitRejection();
  ImplicitRejection(const ImplicitRejection&) = delete;
  ImplicitRejection& operator=(const ImplicitRejection&) = delete;

  bool ok() const { return kdkMac_ != nullptr && prfMac_ != nullptr; }

  // Removes the type 2 padding of `em` (modulusBytes bytes, the raw RSA output for
  // `ciphertext`, also modulusBytes bytes) into `out` (modulusBytes bytes) and returns the
  // message length, or -1 if OpenSSL failed (never for malformed padding).
  int Unpad(const uint8_t* em, const uint8_t* ciphertext, uint8_t* out);

 private:
  bool Prf(const uint8_t* kdk, const char* label, uint8_t* out, size_t outBytes);

  size_t modulusBytes_;
  EVP_MAC_CTX* kdkMac_ = nullptr;  // HMAC-SHA256 keyed with dHash
  EVP_MAC_CTX* prfMac_ = nullptr;  // re-keyed with each ciphertext's KDK
};

}  // namespace atagent
