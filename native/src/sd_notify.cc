#include "sd_notify.h"

#include <cerrno>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

#include "errors.h"

namespace atagent {
namespace {

#if defined(__linux__)
// Sends `message` as one datagram to `address`: a filesystem path, or "@name" for a Linux
// abstract socket (the leading '@' stands for the NUL byte, as systemd writes it).
// Returns 0 or an errno value; EINVAL for an address that does not fit sockaddr_un.
int SendNotification(const std::string& address, const std::string& message) {
  if (address.size() < 2 || (address[0] != '/' && address[0] != '@')) return EAFNOSUPPORT;
  sockaddr_un sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sun_family = AF_UNIX;
  if (address.size() >= sizeof(sa.sun_path)) return ENAMETOOLONG;
  std::memcpy(sa.sun_path, address.data(), address.size());
  socklen_t saLength = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
  if (address[0] == '@') {
    sa.sun_path[0] = '\0';  // abstract: the name is exactly the remaining bytes, no terminator
  } else {
    saLength += 1;  // include the path's NUL
  }
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  ssize_t sent;
  do {
    sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&sa), saLength);
  } while (sent < 0 && errno == EINTR);
  const int error = sent < 0 ? errno : (static_cast<size_t>(sent) != message.size() ? EMSGSIZE : 0);
  close(fd);
  return error;
}
#endif

Napi::Value SdNotify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    ThrowTypeError(env, "sdNotify expects (socketAddress: string, message: string)");
  }
  const std::string address = info[0].As<Napi::String>().Utf8Value();
  const std::string message = info[1].As<Napi::String>().Utf8Value();
#if defined(__linux__)
  const int error = SendNotification(address, message);
  if (error != 0) {
    std::string text = "sd_notify to NOTIFY_SOCKET=" + address + " failed: ";
    text += error == EAFNOSUPPORT ? "only AF_UNIX paths and @abstract names are supported"
                                  : std::strerror(error);
    Napi::Error err = Napi::Error::New(env, text);
    err.Set("code", Napi::String::New(env, "ERR_ATAGENT_SD_NOTIFY"));
    err.Set("errno", Napi::Number::New(env, error));
    throw err;
  }
#else
  (void)address;
  (void)message;
  Napi::Error err = Napi::Error::New(env, "sd_notify is only supported on Linux");
  err.Set("code", Napi::String::New(env, "ERR_ATAGENT_SD_NOTIFY"));
  throw err;
#endif
  return env.Undefined();
}

}  // namespace

void RegisterSdNotify(Napi::Env env, Napi::Object exports) {
  exports.Set("sdNotify", Napi::Function::New<SdNotify>(env, "sdNotify"));
}

}  // namespace atagent
