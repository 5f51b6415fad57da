#include "byte_args.h"

#include <string>

#include "errors.h"

namespace atagent {

void ThrowNotBytes(napi_env env, const char* what) {
  ThrowTypeError(Napi::Env(env), (std::string(what) + " must be a Uint8Array").c_str());
}

}  // namespace atagent
