// The words of a refusal (core/refusal.hpp): what engine_last_error() says
// when the engine refuses a command, built from the refusal's data alone.
#pragma once

#include <string>

#include "core/refusal.hpp"

namespace capi {

// One sentence per Refusal::Kind, filled in with the refusal's argument,
// value, range and detail; "" for Kind::none.
std::string word(const ringengine::Refusal& r);

} // namespace capi
