#include "errors.h"

#include <openssl/err.h>

#include <string>

#include "addon_state.h"

namespace atagent {
namespace {

struct ErrorClassInfo {
  const char* className;
  const char* code;
};

// Must follow the order of CryptoErrorKind and match errors.ts names and codes.
constexpr ErrorClassInfo kErrorClasses[] = {
    {"BadKeyError", "ERR_ATAGENT_BAD_KEY"},
    {"BadIvError", "ERR_ATAGENT_BAD_IV"},
    {"BadCiphertextError", "ERR_ATAGENT_BAD_CIPHERTEXT"},
    {"BadPaddingError", "ERR_ATAGENT_BAD_PADDING"},
    {"PlaintextTooLongError", "ERR_ATAGENT_PLAINTEXT_TOO_LONG"},
    {"BadBase64Error", "ERR_ATAGENT_BAD_BASE64"},
    {"BadBase2e15Error", "ERR_ATAGENT_BAD_BASE2E15"},
    {"CryptoFailedError", "ERR_ATAGENT_CRYPTO_FAILED"},
};
static_assert(sizeof(kErrorClasses) / sizeof(kErrorClasses[0]) ==
                  static_cast<size_t>(CryptoErrorKind::kCount),
              "one class per CryptoErrorKind");

}  // namespace

void InstallErrorConstructors(Napi::Env env, Napi::Object constructors) {
  AddonState& state = GetAddonState(env);
  for (size_t i = 0; i < static_cast<size_t>(CryptoErrorKind::kCount); ++i) {
    Napi::Value ctor = constructors.Get(kErrorClasses[i].className);
    if (!ctor.IsFunction()) {
      ThrowTypeError(env, (std::string("errorConstructors.") + kErrorClasses[i].className +
                           " must be a constructor")
                              .c_str());
    }
    state.errorConstructors[i] = Napi::Persistent(ctor.As<Napi::Function>());
  }
  state.errorConstructorsInstalled = true;
}

void ThrowCryptoError(Napi::Env env, CryptoErrorKind kind, const char* message) {
  const size_t index = static_cast<size_t>(kind);
  AddonState& state = GetAddonState(env);
  Napi::String text = Napi::String::New(env, message);
  if (state.errorConstructorsInstalled) {
    Napi::Object error = state.errorConstructors[index].New({text});
    throw Napi::Error(env, error);
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, kErrorClasses[index].code));
  error.Set("name", Napi::String::New(env, kErrorClasses[index].className));
  throw error;
}

void ThrowTypeError(Napi::Env env, const char* message) {
  throw Napi::TypeError::New(env, message);
}

void ThrowRangeError(Napi::Env env, const char* message) {
  throw Napi::RangeError::New(env, message);
}

void ThrowOpenSslFailure(Napi::Env env, const char* operation) {
  std::string message = std::string(operation) + " failed";
  unsigned long first = ERR_get_error();
  if (first != 0) {
    char reason[256];
    ERR_error_string_n(first, reason, sizeof(reason));
    message += ": ";
    message += reason;
  }
  ERR_clear_error();
  ThrowCryptoError(env, CryptoErrorKind::kCryptoFailed, message.c_str());
}

}  // namespace atagent
