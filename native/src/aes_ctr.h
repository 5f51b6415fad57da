// AES-256-CTR with PKCS#7 padding, as crypto.md §3.3: the whole 16-byte IV is the initial
// counter block, incremented as a 128-bit big-endian integer; PKCS#7 always adds 1..16 bytes.
// One AesCtrCipher per key keeps OpenSSL's expanded key schedule, so each message costs only
// an IV reset and the stream update (AES-NI / ARMv8 crypto through OpenSSL's EVP).
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

namespace atagent {

constexpr size_t kAesKeyBytes = 32;
constexpr size_t kAesBlockBytes = 16;

// Ciphertext length for `n` plaintext bytes.
constexpr size_t AesPaddedLength(size_t n) { return n - (n % kAesBlockBytes) + kAesBlockBytes; }

enum class AesStatus { kOk, kBadPadding, kOpenSslFailure };

class AesCtrCipher {
 public:
  // `key` must hold kAesKeyBytes. Check ok() afterwards: OpenSSL can fail to allocate.
  explicit AesCtrCipher(const uint8_t* key);
  ~AesCtrCipher();
  AesCtrCipher(const AesCtrCipher&) = delete;
  AesCtrCipher& operator=(const AesCtrCipher&) = delete;

  bool ok() const { return ctx_ != nullptr; }

  // Writes AesPaddedLength(length) bytes to `out`. `out` may equal `plaintext` (in place) but
  // must not otherwise overlap it.
  AesStatus EncryptPadded(const uint8_t* iv, const uint8_t* plaintext, size_t length, uint8_t* out);

  // `length` is a non-zero multiple of 16; `out` holds at least `length` bytes and may equal
  // `ciphertext`. On kOk sets *plaintextLength; on kBadPadding `out` is wiped so no unverified
  // plaintext is left behind.
  AesStatus DecryptPadded(const uint8_t* iv, const uint8_t* ciphertext, size_t length, uint8_t* out,
                          size_t* plaintextLength);

 private:
  bool Crypt(const uint8_t* iv, const uint8_t* in, size_t length, uint8_t* out,
             const uint8_t* tail, size_t tailLength, uint8_t* tailOut);

  EVP_CIPHER_CTX* ctx_ = nullptr;
};

}  // namespace atagent
