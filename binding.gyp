# Builds the atagent native crypto core with node-gyp. native/CMakeLists.txt builds the same
# sources with cmake-js for cross builds: keep the two source lists in step.
# OpenSSL comes from Node itself: its headers ship with Node's headers and its symbols are
# exported by the node binary, so nothing here links a system libssl.
{
  "targets": [
    {
      "target_name": "atagent",
      "sources": [
        "native/src/addon.cc",
        "native/src/errors.cc",
        "native/src/byte_args.cc",
        "native/src/aes_ctr.cc",
        "native/src/aes_ctr_binding.cc",
        "native/src/rsa_keys.cc",
        "native/src/rsa_pkcs1.cc",
        "native/src/rsa_binding.cc",
        "native/src/base2e15.cc",
        "native/src/base2e15_binding.cc",
        "native/src/sd_notify.cc",
        "native/src/malloc_tuning.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "OPENSSL_API_COMPAT=30000",
        "OPENSSL_NO_DEPRECATED"
      ],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-O2", "-O0"],
      "cflags": ["-O3", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc": ["-O3", "-fexceptions", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-std=c++17", "-Wall", "-Wextra"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "Optimization": 2 }
      }
    }
  ]
}
