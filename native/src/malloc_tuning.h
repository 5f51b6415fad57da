// The C library allocator's settings that decide how much memory many idle TLS connections
// keep resident (agent/src/server/process-memory.ts says why and what was measured).
#pragma once

#include <napi.h>

namespace atagent {

// exports.setMallocMmapThreshold(bytes: number) → boolean: with glibc, serves allocations of
// `bytes` or more with their own mmap (mallopt M_MMAP_THRESHOLD, which also stops glibc from
// raising the threshold by itself); false where the C library has no such setting.
void RegisterMallocTuning(Napi::Env env, Napi::Object exports);

}  // namespace atagent
