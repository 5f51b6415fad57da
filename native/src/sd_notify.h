// systemd's notification protocol (sd_notify(3)) without libsystemd: one datagram of
// newline-separated KEY=VALUE assignments to the AF_UNIX socket named by $NOTIFY_SOCKET.
#pragma once

#include <napi.h>

namespace atagent {

// exports.sdNotify(socketAddress: string, message: string) → void; throws Error on failure.
void RegisterSdNotify(Napi::Env env, Napi::Object exports);

}  // namespace atagent
