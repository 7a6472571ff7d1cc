// What backend.cpp needs of the backends that live in their own files.
// Internal. Each server API has a start and a list function; in a build
// without its library they throw BackendError::unavailable saying so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.hpp"

namespace ringengine {

// One start function per line of backends.def, in backend_<kind>.cpp
// (automatic and offline in backend.cpp): opens `request.device` (empty:
// the default) and starts it. Throws BackendError.
#define BACKEND(kind, NAME, number, name, devices, api) \
  std::unique_ptr<Backend> start_##kind##_backend(AudioCallback& engine, const BackendRequest& request);
#include "backends/backends.def"

// The output devices of each server API's backend (SERVER_API lines):
// `api` is the line's name. Throws BackendError when its server does not
// answer or the build lacks its library.
#define SERVER_API(name, display, kind) std::vector<DeviceInfo> list_##kind##_devices(const std::string& api);
#include "backends/backends.def"

// Of `names`, the one equal to `wanted`, else the only one containing it
// (case-insensitive), else the first when `wanted` is empty. Throws
// BackendError::no_device naming the candidates otherwise.
std::string match_device(const std::vector<std::string>& names, const std::string& wanted);

} // namespace ringengine
