// Constructors of the backends that live in their own files. Internal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_null_backend(Engine& engine);
// JACK through libjack (backend_jack.cpp); RtAudio's JACK code is not used.
std::unique_ptr<Backend> start_jack_backend(Engine& engine, const std::string& device);

// Of `names`, the one equal to `wanted`, else the only one containing it
// (case-insensitive), else the first when `wanted` is empty. Throws
// BackendError::no_device naming the candidates otherwise.
std::string match_device(const std::vector<std::string>& names, const std::string& wanted);
// `api`: an RtAudio API name ("jack", "pulse", "alsa"), or empty to try each
// in the documented order.
std::unique_ptr<Backend> start_rtaudio_backend(Engine& engine, const std::string& api,
                                               const std::string& device);

} // namespace ringengine
