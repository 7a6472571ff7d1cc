#include "refusal.hpp"

#include <cmath>
#include <cstdio>

namespace capi {

namespace {

using ringengine::Refusal;

// A value given: whole numbers in full, others to float's precision.
std::string given(double v) {
  char text[40];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0)
    std::snprintf(text, sizeof text, "%.0f", v);
  else
    std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

// A bound of a range: whole, or to two decimals; `sign` writes a + (the
// top of a range in dB, which starts at -inf).
std::string bound(double v, bool sign = false) {
  if (std::isinf(v))
    return v < 0 ? "-inf" : "+inf";
  char text[40];
  if (v == std::floor(v)) {
    std::snprintf(text, sizeof text, sign ? "%+.0f" : "%.0f", v);
    return text;
  }
  std::snprintf(text, sizeof text, sign ? "%+.2f" : "%.2f", v);
  std::string s = text;
  while (s.back() == '0')
    s.pop_back();
  return s;
}

// "min .. max", the max named by the setting it comes from when it does.
std::string range(const Refusal& r) {
  const std::string top = bound(r.max, std::isinf(r.min) && r.min < 0);
  return bound(r.min) + " .. " + (*r.bound != '\0' ? std::string(r.bound) + " (" + top + ")" : top);
}

std::string unit(const Refusal& r) {
  return *r.detail != '\0' ? std::string(" ") + r.detail : std::string();
}

} // namespace

std::string word(const Refusal& r) {
  const std::string argument = r.argument;
  switch (r.kind) {
  case Refusal::Kind::none:
    return "";
  case Refusal::Kind::out_of_range:
    return argument + " must be " + range(r) + unit(r) + ", not " + given(r.value);
  case Refusal::Kind::not_whole:
    if (r.max - r.min == 1 && *r.bound == '\0')
      return argument + " must be " + bound(r.min) + " or " + bound(r.max) + ", not " +
             given(r.value);
    return argument + " must be a whole number " + range(r) + unit(r) + ", not " +
           given(r.value);
  case Refusal::Kind::no_such: {
    // detail: what the range lists ("voices"), when it is said.
    std::string within;
    if (r.max < r.min)
      within = "the engine has no " + std::string(*r.detail != '\0' ? r.detail : "such");
    else
      within = (*r.detail != '\0' ? std::string(r.detail) + " are " : std::string()) + range(r);
    return "no such " + argument + " " + given(r.value) + " (" + within + ")";
  }
  case Refusal::Kind::gone:
    return "no such " + argument + ", or it is closed: " + given(r.value);
  case Refusal::Kind::not_enabled: {
    // The config setting that enables them: <argument>_voices.
    const std::string setting = argument + "_voices";
    const double count = r.max < r.min ? 0 : r.max - r.min + 1;
    return argument + ": voice " + given(r.value) + " cannot " + r.detail + " (" + setting +
           " is " + given(count) +
           (r.max < r.min ? ": make the engine with " + setting + "=N)"
                          : ": voices " + bound(r.min) + " .. " + bound(r.max) + ")");
  }
  case Refusal::Kind::unavailable:
    return argument + ": " + r.detail;
  case Refusal::Kind::conflict:
    return std::string(r.detail) + " (" + argument + " " + given(r.value) + ")";
  case Refusal::Kind::not_a_kind:
    return *r.detail != '\0' ? std::string("not sent with engine_send(): ") + r.detail
                             : std::string("not a command kind");
  }
  return "refused";
}

} // namespace capi
