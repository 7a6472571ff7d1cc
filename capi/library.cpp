// The C ABI, library-wide calls: versions, status texts, names, and the
// message table's description. Contracts are in ringengine.h.
#include <cstdio>

#include "handle.hpp"
#include "dsp/keylock.hpp"
#include "messages/message.hpp"
#include "resources/file_decoder.hpp"

namespace capi {

namespace {
thread_local char last_error_text[512];
} // namespace

void set_last_error(const std::string& text) noexcept {
  std::snprintf(last_error_text, sizeof last_error_text, "%s", text.c_str());
}
void clear_last_error() noexcept { last_error_text[0] = '\0'; }
const char* last_error() noexcept { return last_error_text; }

} // namespace capi

ENGINE_EXPORT unsigned int engine_version_number(void) { return ENGINE_VERSION_NUMBER; }

ENGINE_EXPORT const char* engine_version_string(void) {
#define ENGINE_STR2(x) #x
#define ENGINE_STR(x) ENGINE_STR2(x)
  return ENGINE_STR(ENGINE_VERSION_MAJOR) "." ENGINE_STR(ENGINE_VERSION_MINOR) "." ENGINE_STR(
      ENGINE_VERSION_PATCH);
}

ENGINE_EXPORT const char* engine_strerror(int status) {
  switch (status) {
  case ENGINE_OK: return "success";
  case ENGINE_EMPTY: return "no message waiting";
  case ENGINE_ERR_INVALID: return "invalid argument or handle";
  case ENGINE_ERR_NOMEM: return "out of memory";
  case ENGINE_ERR_FULL: return "ring full: message dropped";
  case ENGINE_ERR_CLOSED: return "engine is closed";
  case ENGINE_ERR_BACKEND: return "audio backend unavailable or stopped";
  case ENGINE_ERR_NO_DEVICE: return "no such output device";
  case ENGINE_ERR_BUSY: return "another thread is processing";
  case ENGINE_ERR_TIMEOUT: return "timed out";
  case ENGINE_ERR_UNSUPPORTED: return "not supported by this backend";
  case ENGINE_ERR_INTERNAL: return "internal error";
  case ENGINE_ERR_TABLE_FULL: return "table full: every slot is in use";
  case ENGINE_ERR_NOT_FOUND: return "no such file";
  case ENGINE_ERR_DECODE: return "the file could not be decoded";
  case ENGINE_ERR_CANCELLED: return "cancelled";
  }
  return "unknown status";
}

ENGINE_EXPORT const char* engine_backend_name(int backend) {
  return ringengine::backend_name(static_cast<ringengine::BackendKind>(backend));
}

ENGINE_EXPORT const char* engine_last_error(void) { return capi::last_error(); }

ENGINE_EXPORT int engine_nop(void) { return ENGINE_OK; }

ENGINE_EXPORT int engine_describe_kind(int kind, engine_kind_info* out, std::size_t size) {
  if (out == nullptr || size == 0 || kind < 0)
    return ENGINE_ERR_INVALID;
  const ringengine::KindRow* row = ringengine::find_kind(static_cast<std::uint32_t>(kind));
  if (row == nullptr)
    return ENGINE_ERR_INVALID;
  // The table's strings are literals, so their data() is NUL-terminated
  // and static.
  engine_kind_info info{};
  info.kind = static_cast<std::uint32_t>(kind);
  info.direction = static_cast<std::uint32_t>(row->direction);
  info.name = row->name.data();
  for (const ringengine::FieldRow& f : ringengine::kFields) {
    if (f.kind != row->kind)
      continue;
    info.field_names[info.field_count] = f.name.data();
    info.field_members[info.field_count] = f.wire.data();
    ++info.field_count;
  }
  capi::copy_out(out, size, info);
  return ENGINE_OK;
}

ENGINE_EXPORT const char* engine_param_name(int param) {
  if (param < 0 || param >= ringengine::kParamCount)
    return "unknown";
  return ringengine::kParamNames[param].data();
}

ENGINE_EXPORT unsigned int engine_features(void) {
  return (ringengine::can_decode_files() ? ENGINE_FEATURE_FILES : 0u) |
         (ringengine::Keylock::available() ? ENGINE_FEATURE_KEYLOCK : 0u);
}

ENGINE_EXPORT const char* engine_bus_param_name(int param) {
  if (param < 0 || param >= ringengine::kBusParamCount)
    return "unknown";
  return ringengine::kBusParamNames[param].data();
}
