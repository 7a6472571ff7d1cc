// The C ABI, inspection: counters, what was opened, and the snapshots the
// audio thread writes. Contracts are in ringengine.h.
#include <string>

#include "handle.hpp"

ENGINE_EXPORT int engine_get_stats(engine* e, engine_stats* out, std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::EngineStats s = e->core->stats();
  const ringengine::WarningLog& w = e->backend->warnings();
  engine_stats c{};
  // The same fields in the same order, up to buffers_live (layout.cpp).
  std::memcpy(&c, &s, offsetof(ringengine::EngineStats, params_set));
  c.warnings = w.total();
  c.warnings_dropped = w.dropped();
  c.params_set = s.params_set;
  c.params_applied = s.params_applied;
  c.commands_handled = s.commands_handled;
  c.cancelled = s.cancelled;
  c.meter_events_dropped = s.meter_events_dropped;
  c.input_nonfinite = s.input_nonfinite;
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_info(engine* e, engine_info* out, std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::BackendInfo& b = e->backend->info();
  const ringengine::EngineConfig& c = e->core->config();
  engine_info info{};
  info.backend = static_cast<std::uint32_t>(b.kind);
  info.capacity = static_cast<std::uint32_t>(c.capacity);
  info.sample_rate = c.sample_rate;
  info.block_frames = b.block_frames;
  info.channels = c.channels;
  capi::copy_text(info.device, b.device);
  capi::copy_text(info.note, b.note);
  info.voices = c.voices;
  info.latency_frames = b.latency_frames;
  info.inputs = e->core->config().inputs;
  info.input_latency_frames = b.input_latency_frames;
  info.reply_capacity =
      static_cast<std::uint32_t>(c.reply_capacity != 0 ? c.reply_capacity : c.capacity);
  info.messages_per_block = c.messages_per_block;
  info.buffers = c.buffers;
  capi::copy_out(out, size, info);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_load(engine* e, engine_load* out, std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::EngineLoad load = e->core->load();
  engine_load c;
  std::memcpy(&c, &load, sizeof c); // the same fields (layout.cpp)
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_voice_state(engine* e, std::uint32_t voice, engine_voice_state* out,
                                         std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0 || voice >= e->core->config().voices)
    return ENGINE_ERR_INVALID;
  const ringengine::VoiceState state = e->core->voice_state(voice);
  engine_voice_state c;
  std::memcpy(&c, &state, sizeof c); // the same fields (layout.cpp)
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_meter(engine* e, int source, std::uint32_t index, engine_meter* out,
                                   std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  const ringengine::EngineConfig& config = e->core->config();
  if (out == nullptr || size == 0)
    return capi::fail(ENGINE_ERR_INVALID, "out is NULL or size 0");
  if (config.meter_ms == 0)
    return capi::fail(ENGINE_ERR_INVALID, "the engine has no meters: meter_ms is 0");
  if (source == ENGINE_METER_VOICE ? index >= config.voices
      : source == ENGINE_METER_BUS ? index >= config.buses
      : source == ENGINE_METER_MASTER ? index != 0
                                      : true)
    return capi::fail(ENGINE_ERR_INVALID, "no such meter: source " + std::to_string(source) +
                                              ", index " + std::to_string(index));
  const ringengine::MeterReading r = e->core->meter(static_cast<std::uint16_t>(source), index);
  engine_meter c;
  std::memcpy(&c, &r, sizeof c); // the same fields (layout.cpp)
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_get_dsp_load(engine* e, engine_dsp_load* out, std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::DspLoad load = e->core->dsp_load();
  engine_dsp_load c;
  std::memcpy(&c, &load, sizeof c); // the same fields (layout.cpp)
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}
