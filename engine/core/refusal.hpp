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
  };
  Kind kind = Kind::none;
  const char* argument = ""; // what was refused: "voice", "gain", "config.buses" (static)
  double value = 0;          // what was given
  double min = 0, max = 0;   // the valid range, inclusive, where one applies
  const char* detail = "";   // static text the wording adds: a unit, a hint, a cause

  explicit operator bool() const noexcept { return kind != Kind::none; }

  static constexpr Refusal range(const char* argument, double value, double min, double max,
                                 const char* detail = "") noexcept {
    return {Kind::out_of_range, argument, value, min, max, detail};
  }
  static constexpr Refusal whole(const char* argument, double value, double min, double max,
                                 const char* detail = "") noexcept {
    return {Kind::not_whole, argument, value, min, max, detail};
  }
  static constexpr Refusal no_such(const char* argument, double value, double min, double max,
                                   const char* detail = "") noexcept {
    return {Kind::no_such, argument, value, min, max, detail};
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
