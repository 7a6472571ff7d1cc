// A refusal in words (core/refusal.hpp).
#include "core/refusal.hpp"

#include <cmath>
#include <cstdio>

namespace ringengine {

namespace {

// A whole number as one ("65", "18446744073709551615"), else as %g does.
std::string number(double v) {
  char text[40];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1.9e19) {
    if (v < 0)
      std::snprintf(text, sizeof text, "%lld", static_cast<long long>(v));
    else
      std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(v));
  } else {
    std::snprintf(text, sizeof text, "%.9g", v);
  }
  return text;
}

std::string with_detail(const char* detail) {
  return detail[0] != '\0' ? std::string(" (") + detail + ")" : std::string();
}

} // namespace

std::string describe(const Refusal& r) {
  const std::string arg = r.argument;
  switch (r.kind) {
  case Refusal::Kind::none:
    return "";
  case Refusal::Kind::out_of_range:
    return arg + " must be " + number(r.min) + ".." + number(r.max) + with_detail(r.detail) +
           ", not " + number(r.value);
  case Refusal::Kind::not_whole:
    return arg + " must be a whole number " + number(r.min) + ".." + number(r.max) +
           with_detail(r.detail) + ", not " + number(r.value);
  case Refusal::Kind::no_such:
    return "no such " + arg + " " + number(r.value) + " (" + number(r.min) + ".." +
           number(r.max) + ")" + with_detail(r.detail);
  case Refusal::Kind::unavailable:
    return arg + " " + r.detail;
  case Refusal::Kind::conflict: // the range, where one follows from the other argument
    return arg + " " + r.detail +
           (r.max > r.min ? " (" + number(r.min) + ".." + number(r.max) + "), not " + number(r.value)
                          : std::string());
  case Refusal::Kind::not_a_kind:
    return arg + " " + number(r.value) + " is not a command kind" + with_detail(r.detail);
  case Refusal::Kind::gone:
    return "no such " + arg + ", or it is closed: " + number(r.value);
  case Refusal::Kind::not_enabled:
    return arg + ": " + number(r.value) + " cannot " + r.detail + " (" + number(r.min) + ".." +
           number(r.max) + " can)";
  }
  return arg;
}

} // namespace ringengine
