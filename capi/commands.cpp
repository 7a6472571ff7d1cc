// The C ABI, commands: engine_send() and the typed wrappers over it, the
// pings, and the parameter path. Contracts are in ringengine.h.
#include <cmath>
#include <cstdio>
#include <string>

#include "handle.hpp"

using ringengine::Message;
using ringengine::MessageKind;
using ringengine::BusParam;
using ringengine::Param;

namespace {

// The engine's reason a command is refused, with the value and the range.
std::string explain(const char* why, const Message& m, const ringengine::EngineConfig& c) {
  const std::string reason = why;
  if (reason == "no such voice")
    return reason + " " + std::to_string(m.id) +
           (c.voices == 0 ? " (the engine has no voices)"
                          : " (voices are 0 .. " + std::to_string(c.voices - 1) + ")");
  if (reason == "no such parameter")
    return reason + " " + std::to_string(m.param) + " (0 .. " +
           std::to_string(ringengine::kParamCount - 1) + ")";
  if (reason == "no such buffer, or it is closed")
    return reason + ": " + std::to_string(m.arg);
  if (reason == "no such bus")
    return reason + " " + std::to_string(m.id) + " (buses are 0 .. " +
           std::to_string(c.buses - 1) + ", and the master)";
  if (reason == "no such bus parameter")
    return reason + " " + std::to_string(m.param) + " (0 .. " +
           std::to_string(ringengine::kBusParamCount - 1) + ")";
  if ((m.kind == MessageKind::set_param || m.kind == MessageKind::set_bus) &&
      (reason.find(" must be ") != std::string::npos || reason.find(" takes ") != std::string::npos)) {
    char value[32];
    std::snprintf(value, sizeof value, "%.9g", static_cast<double>(m.value));
    return reason + ", not " + value;
  }
  return reason;
}

int no_such_param(int param) noexcept {
  return capi::fail(ENGINE_ERR_INVALID, "no such parameter " + std::to_string(param) + " (0 .. " +
                                            std::to_string(ringengine::kParamCount - 1) + ")");
}

// A parameter's value as the wire carries it. A finite double beyond
// float's range becomes NaN rather than inf, and NaN stays NaN: the
// engine's checks refuse both. An infinity stays one (-inf dB is silence).
float as_float(double value) noexcept {
  if (std::isinf(value))
    return static_cast<float>(value);
  return std::fabs(value) < 1e30 ? static_cast<float>(value) : NAN;
}

} // namespace

ENGINE_EXPORT std::int64_t engine_send(engine* e, const engine_message* m) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (m == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "message is NULL");
  Message command;
  std::memcpy(&command, m, sizeof command);
  if (const char* why = e->core->invalid(command))
    return capi::fail(ENGINE_ERR_INVALID, explain(why, command, e->core->config()));
  if (!e->core->send(command))
    return ENGINE_ERR_FULL;
  return command.kind == MessageKind::ping ? command.id : 0;
}

namespace {

// The engine frame a C caller's `at` names: any negative one is the next block.
std::uint64_t frame_of(std::int64_t at) noexcept {
  return at < 0 ? ringengine::kFrameNext : static_cast<std::uint64_t>(at);
}

// Sends a command a typed wrapper built through engine_send(), so that it is
// checked and counted as any command is; ENGINE_OK or engine_send()'s status.
int send_command(engine* e, const Message& m) noexcept {
  engine_message c;
  std::memcpy(&c, &m, sizeof c);
  const std::int64_t rc = engine_send(e, &c);
  return rc < 0 ? static_cast<int>(rc) : ENGINE_OK;
}

} // namespace

ENGINE_EXPORT std::int64_t engine_send_ping(engine* e) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t seq;
  if (!e->core->send_ping(seq))
    return ENGINE_ERR_FULL;
  return seq;
}

ENGINE_EXPORT int engine_set_param(engine* e, std::uint32_t voice, int param, double value,
                                   std::int64_t at, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kParamCount)
    return no_such_param(param);
  return send_command(e, Message::set_param(voice, static_cast<Param>(param), as_float(value),
                                            frame_of(at), ramp));
}

ENGINE_EXPORT int engine_set_param_latest(engine* e, std::uint32_t voice, int param,
                                          double value, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kParamCount)
    return no_such_param(param);
  if (ramp > ringengine::ParamPath::kMaxRamp)
    return capi::fail(ENGINE_ERR_INVALID, "ramp must be 0 .. 16777215 frames on the parameter path");
  const float v = as_float(value);
  const Message m = Message::set_param(voice, static_cast<Param>(param), v,
                                       ringengine::kFrameNext, ramp);
  if (const char* why = e->core->invalid(m))
    return capi::fail(ENGINE_ERR_INVALID, explain(why, m, e->core->config()));
  e->core->set_param_latest(voice, static_cast<Param>(param), v, ramp);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_send_pings(engine* e, std::uint32_t count, std::uint32_t* first_seq,
                                    std::uint32_t* sent) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  std::uint32_t first;
  const auto n = static_cast<std::uint32_t>(e->core->send_pings(count, first));
  if (first_seq != nullptr)
    *first_seq = first;
  if (sent != nullptr)
    *sent = n;
  return n == count ? ENGINE_OK : ENGINE_ERR_FULL;
}

ENGINE_EXPORT int engine_play(engine* e, std::uint32_t voice, std::uint32_t buffer,
                              std::int64_t at, int loop) {
  return send_command(e, Message::play(voice, buffer, frame_of(at), loop != 0));
}

ENGINE_EXPORT int engine_stop(engine* e, std::uint32_t voice, std::int64_t at) {
  return send_command(e, Message::stop(voice, frame_of(at)));
}

ENGINE_EXPORT int engine_cancel(engine* e, std::int64_t voice, std::int64_t at) {
  if (voice < ENGINE_ALL_VOICES || voice > UINT32_MAX - 1)
    return capi::fail(ENGINE_ERR_INVALID, "no such voice");
  const std::uint32_t v =
      voice == ENGINE_ALL_VOICES ? Message::kAllVoices : static_cast<std::uint32_t>(voice);
  return send_command(e, Message::cancel(v, frame_of(at)));
}

ENGINE_EXPORT int engine_set_bus(engine* e, std::uint32_t bus, int param, double value,
                                 std::int64_t at, std::uint32_t ramp) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (param < 0 || param >= ringengine::kBusParamCount)
    return capi::fail(ENGINE_ERR_INVALID, "no such bus parameter " + std::to_string(param) +
                                              " (0 .. " +
                                              std::to_string(ringengine::kBusParamCount - 1) + ")");
  return send_command(e, Message::set_bus(bus, static_cast<BusParam>(param), as_float(value),
                                          frame_of(at), ramp));
}
