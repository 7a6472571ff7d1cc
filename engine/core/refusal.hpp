// A refusal: why a command or a config cannot be taken, as data. The engine
// says what is wrong (which argument, the value given, the range that would
// do); each layer above words it (capi/refusal.cpp for C, and through
// engine_last_refusal() Python's exceptions). Nobody matches text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ringengine {

struct Refusal {
  enum class Kind : std::uint8_t {
    none,         // not a refusal: the command or config is taken
    out_of_range, // value is outside [min, max]
    not_whole,    // value must be a whole number in [min, max]
    no_such,      // value names nothing (a voice, bus, buffer, parameter)
    unavailable,  // the build or the engine's config lacks what it needs
    conflict,     // value is fine alone but not with another argument
    not_a_kind,   // the message kind is not a command engine_send() takes
                  // (detail: the kind's name when it is one kept only by name)
    gone,         // value names nothing live: a buffer never loaded, or closed
    not_enabled,  // value (a voice) is not one the config enabled for `argument`:
                  // those are min .. max (none when max < min); detail: the verb
  };
  Kind kind = Kind::none;
  const char* argument = ""; // what was refused: "voice", "gain", "config.buses" (static)
  double value = 0;          // what was given
  double min = 0, max = 0;   // the valid range, inclusive, where one applies
  const char* detail = "";   // static text the wording adds: a unit, a hint, a cause
  // When max comes from the config, the setting it comes from ("buses - 1"),
  // said beside its number; "" for a fixed range. Static.
  const char* bound = "";

  explicit operator bool() const noexcept { return kind != Kind::none; }

  static constexpr Refusal range(const char* argument, double value, double min, double max,
                                 const char* detail = "", const char* bound = "") noexcept {
    return {Kind::out_of_range, argument, value, min, max, detail, bound};
  }
  static constexpr Refusal whole(const char* argument, double value, double min, double max,
                                 const char* detail = "", const char* bound = "") noexcept {
    return {Kind::not_whole, argument, value, min, max, detail, bound};
  }
  static constexpr Refusal no_such(const char* argument, double value, double min, double max,
                                   const char* detail = "") noexcept {
    return {Kind::no_such, argument, value, min, max, detail};
  }
  static constexpr Refusal gone(const char* argument, double value) noexcept {
    return {Kind::gone, argument, value, 0, 0, ""};
  }
  static constexpr Refusal not_enabled(const char* argument, double value, double min, double max,
                                       const char* verb) noexcept {
    return {Kind::not_enabled, argument, value, min, max, verb};
  }
  static constexpr Refusal not_a_kind(double value, const char* name = "") noexcept {
    return {Kind::not_a_kind, "kind", value, 0, 0, name};
  }
  static constexpr Refusal unavailable(const char* argument, const char* detail) noexcept {
    return {Kind::unavailable, argument, 0, 0, 0, detail};
  }
  static constexpr Refusal conflict(const char* argument, double value, const char* detail,
                                    double min = 0, double max = 0) noexcept {
    return {Kind::conflict, argument, value, min, max, detail};
  }
};

// The refusal in words: "<argument> must be <least>..<most> (<detail>), not
// <value>", and the like for the other kinds. Thread: any; allocates.
std::string describe(const Refusal& refusal);

// What the Engine's constructor throws for a config validate() refuses.
class ConfigError : public std::invalid_argument {
public:
  explicit ConfigError(const Refusal& refusal)
      : std::invalid_argument(describe(refusal)), refusal_(refusal) {}
  const Refusal& refusal() const noexcept { return refusal_; }

private:
  Refusal refusal_;
};

} // namespace ringengine
