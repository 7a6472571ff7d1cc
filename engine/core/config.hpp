// An engine's configuration: the struct and its one validation, both made
// from the table in config.def.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/refusal.hpp"
#include "dsp/pan.hpp"

namespace ringengine {

// The limits the table's ranges name.
inline constexpr std::uint32_t kMaxCapacity = 1u << 20; // messages of a ring or the schedule
inline constexpr std::uint32_t kMaxBlockFrames = 65536; // the longest block a backend takes
inline constexpr std::uint32_t kMaxChannels = 64;
inline constexpr std::uint32_t kMaxVoices = 4096;
inline constexpr std::uint32_t kMaxBuffers = 1u << 16;
inline constexpr std::uint32_t kMaxBuses = 64;
inline constexpr std::uint32_t kMaxMeterMs = 10000;
inline constexpr std::uint32_t kMaxMeterEventsHz = 1000;
inline constexpr std::uint32_t kMaxInputs = 64;

// The defaults: engine_config_init() hands these to C and, through it, to
// Python, so there is one copy of them. The members are config.def's, in
// its order.
struct EngineConfig {
#define CONFIG(name, type, default_value, least, most, since, meaning) type name = default_value;
#include "core/config.def"
};

// Why `config` cannot make an engine, or no refusal: the first field out
// of its table range (argument "config.<name>"), then the checks between
// fields and against the build (key lock without Rubber Band). Thread: any.
Refusal validate(const EngineConfig& config) noexcept;

} // namespace ringengine
