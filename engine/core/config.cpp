// The one validation of an engine's configuration: config.def's ranges,
// then the checks between fields.
#include "core/config.hpp"

#include <type_traits>

#include "dsp/keylock.hpp"

namespace ringengine {

namespace {

template <class T> constexpr double as_number(T value) noexcept {
  if constexpr (std::is_enum_v<T>)
    return static_cast<double>(static_cast<std::underlying_type_t<T>>(value));
  else
    return static_cast<double>(value);
}

template <class T> constexpr bool within(T value, double least, double most) noexcept {
  const double v = as_number(value);
  return v >= least && v <= most;
}

} // namespace

Refusal validate(const EngineConfig& c) noexcept {
#define CONFIG(name, type, default_value, least, most, since, meaning)                       \
  if (!within(c.name, static_cast<double>(least), static_cast<double>(most)))               \
    return Refusal::range("config." #name, as_number(c.name), static_cast<double>(least),  \
                          static_cast<double>(most), meaning);
#include "core/config.def"
  if (c.meter_events_hz != 0 && c.meter_ms == 0)
    return Refusal::conflict("config.meter_events_hz", c.meter_events_hz,
                             "needs meters: meter_ms is 0");
  if (c.keylock_voices > c.voices)
    return Refusal::conflict("config.keylock_voices", c.keylock_voices, "must be 0 .. voices", 0,
                             c.voices);
  if (c.keylock_voices != 0 && !Keylock::available())
    return Refusal::unavailable("config.keylock_voices",
                                "must be 0: this build has no key lock (built without Rubber Band)");
  if (c.keylock_voices != 0 && c.channels > Keylock::kMaxChannels)
    return Refusal::range("config.channels", c.channels, 1, Keylock::kMaxChannels,
                          "key lock takes at most 8 output channels");
  return {};
}

} // namespace ringengine
