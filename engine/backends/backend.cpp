// Choosing and opening a backend; the offline backend.
#include "backends/backend.hpp"

#include <algorithm>
#include <cctype>

#include "backends/backend_impl.hpp"
#include "backends/realtime_scope.hpp"

namespace ringengine {

const char* backend_name(BackendKind kind) noexcept {
  switch (kind) {
#define BACKEND(kind, NAME, number, name, devices, api) \
  case BackendKind::kind:                               \
    return name;
#include "backends/backends.def"
  }
  return "unknown";
}

bool backend_has_devices(BackendKind kind) noexcept {
  switch (kind) {
#define BACKEND(kind, NAME, number, name, devices, api) \
  case BackendKind::kind:                               \
    return devices;
#include "backends/backends.def"
  }
  return false;
}

bool backend_takes_api(BackendKind kind) noexcept {
  switch (kind) {
#define BACKEND(kind, NAME, number, name, devices, api) \
  case BackendKind::kind:                               \
    return api;
#include "backends/backends.def"
  }
  return false;
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

// The server APIs of backends.def, in the order `auto` tries them.
struct ServerApi {
  const char* name;    // as `api` names it
  const char* display; // in messages
  std::unique_ptr<Backend> (*start)(AudioCallback&, const BackendRequest&);
  std::vector<DeviceInfo> (*list)(const std::string& api);
  BackendKind kind;
};
const ServerApi kServerApis[] = {
#define SERVER_API(name, display, kind) \
  {name, display, start_##kind##_backend, list_##kind##_devices, BackendKind::kind},
#include "backends/backends.def"
};

// "jack, pulse, alsa"
std::string server_api_names() {
  std::string names;
  for (const ServerApi& a : kServerApis)
    names += (names.empty() ? "" : ", ") + std::string(a.name);
  return names;
}

// The APIs `api` names: one, or every one when empty. Throws on an unknown name.
std::vector<const ServerApi*> server_apis(const std::string& api) {
  std::vector<const ServerApi*> apis;
  for (const ServerApi& a : kServerApis)
    if (api.empty() || api == a.name)
      apis.push_back(&a);
  if (apis.empty())
    throw BackendError(BackendError::Code::unavailable,
                       "unknown audio API '" + api + "'; there are: " + server_api_names());
  return apis;
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

OfflineBackend::OfflineBackend(AudioCallback& engine) : engine_(engine) {
  info_.kind = BackendKind::offline;
  info_.device = "offline";
  info_.block_frames = engine.stream().block_frames;
}

bool OfflineBackend::process(const AudioOut& out, std::uint32_t frames) noexcept {
  // acquire: pairs with the release below in the previous caller, so this
  // caller sees the engine's audio side as that one left it.
  if (busy_.exchange(true, std::memory_order_acquire))
    return false;
  engine_.before_offline_block(frames); // the writer catches up first
  {
    RealtimeScope realtime; // the caller is the audio thread now
    engine_.process(out, frames);
  }
  busy_.store(false, std::memory_order_release);
  return true;
}

bool OfflineBackend::render(float* out, std::uint64_t frames, const float* in) noexcept {
  if (busy_.exchange(true, std::memory_order_acquire)) // as in process()
    return false;
  const std::uint32_t block = engine_.stream().block_frames;
  const std::size_t channels = engine_.stream().channels;
  const std::size_t inputs = engine_.stream().inputs;
  for (std::uint64_t done = 0; done < frames;) {
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(block, frames - done));
    engine_.before_offline_block(n); // outside the scope: it may wait
    RealtimeScope realtime;
    engine_.process(AudioOut{out + done * channels, nullptr}, n,
                    AudioIn{in != nullptr ? in + done * inputs : nullptr, nullptr});
    done += n;
  }
  busy_.store(false, std::memory_order_release);
  return true;
}

std::unique_ptr<Backend> start_offline_backend(AudioCallback& engine, const BackendRequest&) {
  return std::make_unique<OfflineBackend>(engine);
}

std::unique_ptr<Backend> start_automatic_backend(AudioCallback& engine, const BackendRequest& request) {
  // Every API is tried; the error says what each one answered. When one that
  // answered has no such device, the device is what is missing.
  std::string reasons;
  bool no_device = false;
  for (const ServerApi* api : server_apis(request.api)) {
    try {
      return api->start(engine, BackendRequest{api->kind, api->name, request.device});
    } catch (const BackendError& e) {
      no_device = no_device || e.code == BackendError::Code::no_device;
      reasons += (reasons.empty() ? "" : "; ") + std::string(api->display) + ": " + e.what();
    }
  }
  // A device asked for by name is not silently replaced.
  if (!request.device.empty())
    throw BackendError(no_device ? BackendError::Code::no_device
                                 : BackendError::Code::unavailable,
                       reasons);
  auto backend = start_null_backend(engine, BackendRequest{BackendKind::null, "", ""});
  backend->set_note("no audio server answered (" + reasons + "); using the null backend");
  return backend;
}

std::unique_ptr<Backend> start_backend(AudioCallback& engine, const BackendRequest& request) {
  switch (request.kind) {
#define BACKEND(kind, NAME, number, name, devices, api) \
  case BackendKind::kind:                               \
    return start_##kind##_backend(engine, request);
#include "backends/backends.def"
  }
  throw BackendError(BackendError::Code::unavailable, "no such backend");
}

std::vector<DeviceInfo> list_output_devices(const std::string& api, std::string& notes) {
  std::vector<DeviceInfo> list;
  notes.clear();
  for (const ServerApi* a : server_apis(api)) {
    try {
      std::vector<DeviceInfo> found = a->list(a->name);
      list.insert(list.end(), found.begin(), found.end());
    } catch (const BackendError& e) {
      notes += (notes.empty() ? "" : "; ") + std::string(a->display) + ": " + e.what();
    }
  }
  return list;
}

} // namespace ringengine
