// The C ABI, the transport: its tempo, and frames and beats converted as
// the audio thread converts them. Contracts are in ringengine.h.
#include <cmath>

#include "handle.hpp"

ENGINE_EXPORT int engine_get_transport(engine* e, engine_transport* out, std::size_t size) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (out == nullptr || size == 0)
    return ENGINE_ERR_INVALID;
  const ringengine::TransportState t = e->core->transport();
  engine_transport c{};
  c.frame = t.frame;
  c.beat = t.beat;
  c.bpm = t.bpm;
  c.beats_per_bar = t.beats_per_bar;
  capi::copy_out(out, size, c);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_beat_at(engine* e, std::uint64_t frame, double* beat) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (beat == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "beat is NULL");
  *beat = e->core->tempo_map().beat_at(frame);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_frame_at(engine* e, double beat, std::uint64_t* frame) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (frame == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "frame is NULL");
  if (!std::isfinite(beat))
    return capi::fail(ENGINE_ERR_INVALID, "beat must be a finite number");
  *frame = e->core->tempo_map().frame_at(beat);
  return ENGINE_OK;
}

ENGINE_EXPORT int engine_grid_line(engine* e, std::int64_t at, double grid, std::uint64_t* frame) {
  if (int rc = capi::check(e); rc != ENGINE_OK)
    return rc;
  if (frame == nullptr)
    return capi::fail(ENGINE_ERR_INVALID, "frame is NULL");
  if (!(grid == static_cast<double>(ENGINE_QUANTIZE_BAR) ||
        (grid >= ringengine::kMinGrid && grid <= ringengine::kMaxGrid)))
    return capi::fail(ENGINE_ERR_INVALID, "grid must be 1/64 .. 1024 beats or ENGINE_QUANTIZE_BAR");
  if (at != ENGINE_AT_NEXT && (at < 0 || static_cast<std::uint64_t>(at) > ringengine::kMaxQuantizeFrame))
    return capi::fail(ENGINE_ERR_INVALID, "at must be a frame 0 .. 2^53 or ENGINE_AT_NEXT");
  const std::uint64_t from = at == ENGINE_AT_NEXT ? e->core->transport().frame
                                                  : static_cast<std::uint64_t>(at);
  const bool bar = grid == static_cast<double>(ENGINE_QUANTIZE_BAR);
  *frame = e->core->tempo_map().grid_at_or_after(from, bar ? 0.0 : grid).frame;
  return ENGINE_OK;
}
