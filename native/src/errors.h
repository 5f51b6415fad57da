// Raising the JavaScript error classes of agent/src/crypto/errors.ts from native code.
// The loader hands the constructors over once (`init(errorConstructors)`); each is kept as a
// persistent reference in the per-environment addon state, so worker threads each get their own.
#pragma once

#include <napi.h>

namespace atagent {

// One entry per class in errors.ts, in the order of kErrorClassNames (errors.cc).
enum class CryptoErrorKind {
  kBadKey,
  kBadIv,
  kBadCiphertext,
  kBadPadding,
  kPlaintextTooLong,
  kBadBase64,
  kBadBase2e15,
  kCryptoFailed,
  kCount,
};

// Stores the constructors found on `constructors` (the errorConstructors object of errors.ts).
// Throws a TypeError when one is missing or not a function.
void InstallErrorConstructors(Napi::Env env, Napi::Object constructors);

// Throws an instance of the errors.ts class for `kind`. Before init() (which the loader always
// calls) it falls back to a plain Error carrying the same stable `code`.
[[noreturn]] void ThrowCryptoError(Napi::Env env, CryptoErrorKind kind, const char* message);

[[noreturn]] void ThrowTypeError(Napi::Env env, const char* message);
[[noreturn]] void ThrowRangeError(Napi::Env env, const char* message);

// An OpenSSL call failed where no input check predicted it: drains OpenSSL's thread-local
// error queue (so it neither grows nor leaks into Node's own crypto calls) and throws
// CryptoFailedError naming the operation and OpenSSL's reason.
[[noreturn]] void ThrowOpenSslFailure(Napi::Env env, const char* operation);

}  // namespace atagent
