// Constructors of the backends that live in their own files. Internal.
#pragma once

#include <memory>
#include <string>

#include "backend.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_null_backend(Engine& engine);
std::unique_ptr<Backend> start_rtaudio_backend(Engine& engine, const std::string& device);

} // namespace ringengine
