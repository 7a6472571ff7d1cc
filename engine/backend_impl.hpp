// Constructors of the backends that live in their own files. Internal.
#pragma once

#include <memory>
#include <string>

#include "backend.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_null_backend(Engine& engine);
// `api`: an RtAudio API name ("jack", "pulse", "alsa"), or empty to try each
// in the documented order.
std::unique_ptr<Backend> start_rtaudio_backend(Engine& engine, const std::string& api,
                                               const std::string& device);

} // namespace ringengine
