#include "backend.hpp"

#include <algorithm>
#include <cctype>

#include "backend_impl.hpp"

namespace ringengine {

const char* backend_name(BackendKind kind) noexcept {
  switch (kind) {
  case BackendKind::automatic: return "auto";
  case BackendKind::rtaudio: return "rtaudio";
  case BackendKind::null: return "null";
  case BackendKind::offline: return "offline";
  }
  return "unknown";
}

namespace {

bool contains_nocase(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

std::string quoted_list(const std::vector<std::string>& names) {
  if (names.empty())
    return "none";
  std::string list;
  for (const std::string& n : names)
    list += (list.empty() ? "'" : ", '") + n + "'";
  return list;
}

} // namespace

std::string match_device(const std::vector<std::string>& names, const std::string& wanted) {
  if (names.empty())
    throw BackendError(BackendError::Code::unavailable, "no output device");
  if (wanted.empty())
    return names.front();
  if (std::find(names.begin(), names.end(), wanted) != names.end())
    return wanted;
  std::vector<std::string> hits;
  for (const std::string& n : names)
    if (contains_nocase(n, wanted))
      hits.push_back(n);
  if (hits.size() == 1)
    return hits.front();
  const bool ambiguous = !hits.empty();
  throw BackendError(BackendError::Code::no_device,
                     "output device '" + wanted +
                         (ambiguous ? "' is ambiguous: " : "' not found; devices: ") +
                         quoted_list(ambiguous ? hits : names));
}

namespace {

class OfflineBackend final : public Backend {
public:
  explicit OfflineBackend(const Engine& engine) {
    info_.kind = BackendKind::offline;
    info_.device = "offline";
    info_.block_frames = engine.config().block_frames;
  }
  void stop() noexcept override {}
};

} // namespace

std::unique_ptr<Backend> start_backend(Engine& engine, const BackendRequest& request) {
  switch (request.kind) {
  case BackendKind::offline:
    return std::make_unique<OfflineBackend>(engine);
  case BackendKind::null:
    return start_null_backend(engine);
  case BackendKind::rtaudio:
    return start_rtaudio_backend(engine, request.api, request.device);
  case BackendKind::automatic:
    break;
  }
  try {
    return start_rtaudio_backend(engine, request.api, request.device);
  } catch (const BackendError& e) {
    // A device asked for by name is not silently replaced.
    if (!request.device.empty())
      throw;
    auto backend = start_null_backend(engine);
    backend->set_note("rtaudio unavailable (" + std::string(e.what()) +
                       "); using the null backend");
    return backend;
  }
}

} // namespace ringengine
