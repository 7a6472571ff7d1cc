// libFuzzer harness for the C ABI: each input is a program of C API calls,
// in any order, on up to four handles of the offline backend, with random
// arguments (NULL pointers, zero and huge capacities, wrong config sizes,
// out-of-range frames and sizes). Besides crashes and sanitizer reports, it
// aborts when a status is not one the header documents for that call, or
// when the counters stop adding up.
//
// Built by tools/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "ringengine.h"

namespace {

class Reader {
public:
  Reader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ == end_; }
  std::uint8_t u8() { return p_ != end_ ? *p_++ : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(u16() | (std::uint32_t{u16()} << 16)); }
  // A NUL-terminated string of up to 200 bytes from the input.
  const char* text(char (&buf)[201]) {
    const std::size_t n = u8() % 201;
    std::size_t i = 0;
    for (; i < n && !empty(); ++i)
      buf[i] = static_cast<char>(u8() | 1); // no NUL inside
    buf[i] = '\0';
    return buf;
  }

private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

void require(bool ok) {
  if (!ok)
    std::abort();
}

bool is_status(int rc) { return rc >= ENGINE_ERR_CANCELLED && rc <= ENGINE_EMPTY; }

// A reply is of a kind the library's own table calls a reply.
bool is_reply(const engine_message& m) {
  engine_kind_info info;
  return engine_describe_kind(m.kind, &info, sizeof info) == ENGINE_OK &&
         info.direction == ENGINE_DIRECTION_REPLY;
}

std::uint32_t pick_capacity(Reader& r) {
  switch (r.u8() % 8) {
  case 0: return 0;
  case 1: return 1;
  case 2: return 3;
  case 3: return ENGINE_DEFAULT_CAPACITY;
  case 4: return ENGINE_MAX_CAPACITY + 1;
  case 5: return 0xffffffffu;
  default: return r.u16() % 5000;
  }
}

void check_accounts(engine* e) {
  engine_stats s;
  if (engine_get_stats(e, &s, sizeof s) != ENGINE_OK)
    return;
  require(s.pongs_sent + s.pongs_dropped == s.pings_handled);
  require(s.pings_handled <= s.pings_sent);
  require(s.pongs_received <= s.pongs_sent);
  require(s.commands_sent >= s.pings_sent && s.commands_rejected >= s.pings_rejected);
  require(s.params_applied <= s.params_set);
  require(s.commands_handled <= s.commands_sent);
}

// What engine_render writes: never more than the largest buffer here.
constexpr std::size_t kMaxRenderFrames = 600, kMaxChannels = 64;
float render_out[kMaxRenderFrames * kMaxChannels];

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader r(data, size);
  engine* handles[4] = {};
  std::uint32_t buffer_ids[8] = {}; // loaded on any handle: ids may be stale or foreign
  engine_message messages[64];
  char text[201], text2[201];

  while (!r.empty()) {
    const std::uint8_t op = r.u8() % 34;
    engine*& h = handles[r.u8() % 4];
    // Some calls get NULL instead of the handle.
    engine* target = (r.u8() % 8 == 0) ? nullptr : h;
    int rc = ENGINE_OK;
    switch (op) {
    case 0: { // create, replacing what the slot held
      engine_config c;
      const std::uint8_t form = r.u8();
      if (form & 1)
        engine_config_init(&c); // the 1.0 form: the fields since 1.1 are not read
      else
        engine_config_init_size(&c, sizeof c);
      if (form & 2)
        c.messages_per_block = (form & 4) ? r.u32() : r.u8() % 20;
      if (form & 8)
        c.reply_capacity = (form & 16) ? r.u32() : r.u8() % 20;
      const std::uint8_t mode = r.u8();
      // Only the offline backend runs: others would start threads and devices.
      c.backend = (mode & 1) ? r.u32() | 8u : ENGINE_BACKEND_OFFLINE; // 8 and up: invalid
      if (mode & 2)
        c.size = r.u32();
      c.capacity = pick_capacity(r);
      if (mode & 4)
        c.sample_rate = r.u32();
      if (mode & 8)
        c.block_frames = r.u32();
      if (mode & 16)
        c.channels = r.u32();
      if (mode & 32)
        c.device = r.text(text);
      if (mode & 64)
        c.api = r.text(text2);
      if (mode & 128)
        c.size = 0;
      const std::uint8_t more = r.u8();
      if (more & 1)
        c.voices = (more & 2) ? r.u32() : r.u8() % 40;
      if (more & 4)
        c.schedule = (more & 8) ? r.u32() : r.u8() % 40;
      if (more & 16) { // the mixer's fields (1.2), in range or not
        c.buses = (more & 32) ? r.u32() : r.u8() % 70;
        c.meter_ms = (more & 64) ? r.u32() : r.u8() % 120;
        c.meter_events_hz = (more & 128) ? r.u32() : r.u8() % 40;
        c.pan_law = r.u8() % 3;
      }
      if (r.u8() & 1) // the inputs (1.3), in range or not
        c.inputs = (r.u8() & 1) ? r.u32() : r.u8() % 4;
      engine_destroy(h);
      h = nullptr;
      engine* made = reinterpret_cast<engine*>(&handles); // must be overwritten
      // (No NULL config here: it means the auto backend, which opens devices.)
      rc = engine_create(&c, (r.u8() % 16 == 0) ? nullptr : &made);
      if (rc == ENGINE_OK) {
        require(made != nullptr);
        h = made;
        engine_info info;
        require(engine_get_info(h, &info, sizeof info) == ENGINE_OK &&
                info.backend == ENGINE_BACKEND_OFFLINE); // never a device or a thread
      } else {
        require(rc < 0 && std::strlen(engine_last_error()) > 0);
      }
      break;
    }
    case 1: {
      const std::int64_t seq = engine_send_ping(target);
      require(seq >= 0 || seq == ENGINE_ERR_FULL || seq == ENGINE_ERR_CLOSED ||
              seq == ENGINE_ERR_INVALID);
      require(target != nullptr || seq == ENGINE_ERR_INVALID);
      break;
    }
    case 2: {
      std::uint32_t first = 0, sent = 0;
      const std::uint32_t count = r.u16() % 3000;
      const std::uint8_t mode = r.u8();
      rc = engine_send_pings(target, count, (mode & 1) ? nullptr : &first,
                             (mode & 2) ? nullptr : &sent);
      if (rc == ENGINE_OK && !(mode & 2))
        require(sent == count);
      if (rc == ENGINE_ERR_FULL && !(mode & 2))
        require(sent < count);
      break;
    }
    case 3:
      rc = engine_try_recv(target, (r.u8() % 8 == 0) ? nullptr : &messages[0]);
      if (rc == ENGINE_OK)
        require(is_reply(messages[0]));
      break;
    case 4: {
      std::uint32_t count = 12345;
      const std::uint32_t max = r.u8() % 65; // never more than the buffer holds
      const std::uint8_t mode = r.u8();
      rc = engine_recv_many(target, (mode & 1) ? nullptr : messages, max,
                            (mode & 2) ? nullptr : &count);
      if (rc == ENGINE_OK) {
        require(count <= max);
        for (std::uint32_t i = 0; i < count; ++i)
          require(is_reply(messages[i]));
      }
      break;
    }
    case 5:
      rc = engine_recv(target, &messages[0], r.u8() % 50);
      require(rc == ENGINE_OK || rc == ENGINE_ERR_TIMEOUT || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    case 6:
      rc = engine_process(target, (r.u8() % 4 == 0) ? r.u32() : r.u16());
      break;
    case 7: {
      engine_stats s;
      rc = engine_get_stats(target, (r.u8() % 8 == 0) ? nullptr : &s, r.u8() % (sizeof s + 1));
      break;
    }
    case 8: {
      engine_info info;
      const std::size_t want = r.u16() % (sizeof info + 1);
      rc = engine_get_info(target, (r.u8() % 8 == 0) ? nullptr : &info, want);
      if (rc == ENGINE_OK && want == sizeof info)
        require(info.backend == ENGINE_BACKEND_OFFLINE && info.capacity >= 1);
      break;
    }
    case 9:
      rc = engine_close(target);
      require(rc == ENGINE_OK || (target == nullptr && rc == ENGINE_ERR_INVALID));
      break;
    case 10:
      engine_destroy(target);
      if (target == h)
        h = nullptr;
      break;
    case 11: {
      const int code = static_cast<int>(r.u32());
      require(engine_strerror(code) != nullptr && engine_backend_name(code) != nullptr);
      require(engine_version_number() == ENGINE_VERSION_NUMBER);
      require(engine_version_string() != nullptr && engine_last_error() != nullptr);
      require(engine_nop() == ENGINE_OK);
      break;
    }
    case 12: {
      engine_config_init(nullptr);
      // Offline engines have no audio library to warn: never a warning.
      char text[8];
      const std::size_t size = r.u8() % (sizeof text + 1);
      rc = engine_next_warning(target, (r.u8() % 8 == 0) ? nullptr : text, size);
      require(rc == ENGINE_EMPTY || rc == ENGINE_ERR_INVALID);
      break;
    }
    case 13: { // any 24 bytes as a command
      engine_message m;
      std::uint8_t bytes[sizeof m];
      for (std::uint8_t& b : bytes)
        b = r.u8();
      std::memcpy(&m, bytes, sizeof m);
      const std::int64_t got = engine_send(target, (r.u8() % 16 == 0) ? nullptr : &m);
      require(got >= 0 || got == ENGINE_ERR_FULL || got == ENGINE_ERR_CLOSED ||
              got == ENGINE_ERR_INVALID);
      require(got <= 0 || m.kind == ENGINE_MSG_PING);
      break;
    }
    case 14: { // set_param with any value bits, voice, parameter, frame, ramp
      const std::uint32_t bits = r.u32();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      const double v = (r.u8() & 1) ? static_cast<double>(value) : (r.u16() % 30000) / 10.0;
      const std::int64_t at = static_cast<std::int32_t>(r.u32());
      rc = engine_set_param(target, r.u8() % 40, static_cast<int>(r.u8() % 8) - 1, v, at,
                            r.u16());
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    }
    case 15: { // render: the samples are finite, whatever was sent
      engine_info info;
      const std::uint64_t frames = r.u16() % kMaxRenderFrames;
      const bool null_out = r.u8() % 16 == 0;
      rc = engine_render(target, null_out ? nullptr : render_out, frames);
      if (rc == ENGINE_OK && !null_out &&
          engine_get_info(target, &info, sizeof info) == ENGINE_OK)
        for (std::size_t i = 0; i < frames * info.channels; ++i)
          require(std::isfinite(render_out[i]));
      break;
    }
    case 16: {
      std::uint64_t frame = 0;
      rc = engine_get_frame(target, (r.u8() % 8 == 0) ? nullptr : &frame);
      break;
    }
    case 17: { // load a small buffer (the samples: render_out's, whatever is there)
      std::uint32_t id = 0;
      const std::uint64_t frames = r.u16() % 300;
      const std::uint32_t channels = r.u8() % 4;
      rc = engine_load_buffer(target, (r.u8() % 16 == 0) ? nullptr : render_out, frames,
                              channels, &id);
      require(rc == ENGINE_OK || rc == ENGINE_ERR_TABLE_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      if (rc == ENGINE_OK)
        buffer_ids[r.u8() % 8] = id;
      break;
    }
    case 18: // play any id, on any voice, at any frame, looped or not
      rc = engine_play(target, r.u8() % 40, (r.u8() % 4 == 0) ? r.u32() : buffer_ids[r.u8() % 8],
                       static_cast<std::int32_t>(r.u32()), r.u8() & 1);
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    case 19:
      rc = (r.u8() & 1) ? engine_buffer_close(target, buffer_ids[r.u8() % 8])
                        : engine_stop(target, r.u8() % 40, static_cast<std::int32_t>(r.u32()));
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    case 20: { // the parameter path, any value bits
      const std::uint32_t bits = r.u32();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      rc = engine_set_param_latest(target, r.u8() % 40, static_cast<int>(r.u8() % 5) - 1, value,
                                   r.u16());
      require(rc == ENGINE_OK || rc == ENGINE_ERR_CLOSED || rc == ENGINE_ERR_INVALID);
      break;
    }
    case 21: { // the snapshots, with any size
      engine_load load;
      engine_voice_state v;
      const std::size_t size = r.u8() % (sizeof v + 1);
      rc = (r.u8() & 1) ? engine_get_load(target, &load, std::min(size, sizeof load))
                        : engine_get_voice_state(target, r.u8() % 40, &v, size);
      require(rc == ENGINE_OK || rc == ENGINE_ERR_CLOSED || rc == ENGINE_ERR_INVALID);
      break;
    }
    case 22: { // the table: any kind number
      engine_kind_info info;
      const int kind = static_cast<int>(r.u32());
      rc = engine_describe_kind(kind, (r.u8() % 8 == 0) ? nullptr : &info, sizeof info);
      if (rc == ENGINE_OK)
        require(info.field_count <= ENGINE_MAX_FIELDS && std::strlen(info.name) > 0);
      require(std::strlen(engine_param_name(kind)) > 0);
      break;
    }
    case 23: // cancel any voice (or all), at any frame
      rc = engine_cancel(target, static_cast<std::int64_t>(r.u8() % 42) - 2,
                         static_cast<std::int32_t>(r.u32()));
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    case 24: { // the state, into a buffer of any size
      char reason[64];
      const int state = engine_get_state(target, (r.u8() % 4 == 0) ? nullptr : reason,
                                         r.u8() % (sizeof reason + 1));
      require(state == ENGINE_ERR_INVALID || (state >= ENGINE_STATE_RUNNING &&
                                              state <= ENGINE_STATE_CLOSED));
      break;
    }
    case 25: { // devices: only the null API name or a bogus one (no server is asked)
      engine_device devices[2];
      std::uint32_t count = 0;
      // Never a real API's name, nor "" (every API): "x" and what follows.
      const char* tail = r.text(text);
      char api[202] = "x";
      std::strncat(api, tail, sizeof api - 2);
      rc = engine_list_devices(api, devices, r.u8() % 3, (r.u8() % 8 == 0) ? nullptr : &count);
      require(rc == ENGINE_ERR_BACKEND || rc == ENGINE_ERR_INVALID);
      break;
    }
    case 26: { // files: a path that is never there, then any job and buffer id
      const char* tail = r.text(text);
      char path[260] = "/nonexistent/ringengine-fuzz/";
      std::strncat(path, tail, sizeof path - std::strlen(path) - 1);
      std::uint32_t id = 0;
      std::uint64_t job = 0;
      float progress = 0;
      engine_buffer_info info;
      switch (r.u8() % 7) {
      case 0:
        rc = engine_load_file(target, (r.u8() % 8 == 0) ? nullptr : path,
                              static_cast<int>(r.u8() % 7) - 1, &id);
        require(rc == ENGINE_ERR_NOT_FOUND || rc == ENGINE_ERR_INVALID ||
                rc == ENGINE_ERR_CLOSED || rc == ENGINE_ERR_UNSUPPORTED);
        break;
      case 1:
        rc = engine_load_file_async(target, path, r.u8() % 5, &job);
        require(rc == ENGINE_OK || rc == ENGINE_ERR_INVALID || rc == ENGINE_ERR_CLOSED ||
                rc == ENGINE_ERR_UNSUPPORTED);
        if (rc == ENGINE_OK)
          rc = engine_load_wait(target, job, 1000000, &id);
        require(rc == ENGINE_ERR_NOT_FOUND || rc == ENGINE_ERR_INVALID ||
                rc == ENGINE_ERR_CLOSED || rc == ENGINE_ERR_UNSUPPORTED ||
                rc == ENGINE_ERR_TIMEOUT);
        break;
      case 2:
        rc = engine_load_poll(target, r.u32(), (r.u8() & 1) ? nullptr : &progress, &id);
        break;
      case 3:
        rc = (r.u8() & 1) ? engine_load_cancel(target, r.u32())
                          : engine_load_forget(target, r.u32());
        break;
      case 4:
        rc = engine_load_wait(target, r.u32(), r.u8(), &id);
        break;
      case 5: { // samples back: at most 600 frames of up to 64 channels fit
        std::uint64_t read = 0;
        const std::uint64_t frames = r.u16() % (kMaxRenderFrames + 1);
        const std::uint64_t start = (r.u8() & 1) ? std::uint64_t{r.u32()} << 32 | r.u32() : r.u16();
        rc = engine_buffer_read(target, (r.u8() % 4 == 0) ? r.u32() : buffer_ids[r.u8() % 8],
                                start, frames,
                                (r.u8() % 8 == 0) ? nullptr : render_out,
                                (r.u8() % 8 == 0) ? nullptr : &read);
        require(rc != ENGINE_OK || read <= frames);
        break;
      }
      default:
        rc = engine_get_buffer_info(target, (r.u8() % 4 == 0) ? r.u32() : buffer_ids[r.u8() % 8],
                                    (r.u8() % 8 == 0) ? nullptr : &info, r.u8() % (sizeof info + 1));
        break;
      }
      break;
    }
    case 28: { // a bus's or the master's parameter, any value bits, any bus
      const std::uint32_t bits = r.u32();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      const double v = (r.u8() & 1) ? static_cast<double>(value) : (r.u16() % 400) / 10.0 - 30;
      const std::uint32_t bus = (r.u8() % 4 == 0) ? ENGINE_BUS_MASTER : r.u8() % 70;
      rc = engine_set_bus(target, bus, static_cast<int>(r.u8() % 9) - 1, v,
                          static_cast<std::int32_t>(r.u32()), r.u16());
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      require(std::strlen(engine_bus_param_name(static_cast<int>(r.u32()))) > 0);
      break;
    }
    case 29: { // the meters and the DSP load, any source and index, any size
      engine_meter m;
      engine_dsp_load load;
      const std::size_t size = r.u8() % 255 + ((r.u8() & 1) ? sizeof m - 254 : 0);
      const bool of_load = r.u8() % 4 == 0; // else m is read: only then is it written
      rc = of_load
               ? engine_get_dsp_load(target, (r.u8() % 8 == 0) ? nullptr : &load,
                                     std::min(size, sizeof load))
               : engine_get_meter(target, static_cast<int>(r.u8() % 5) - 1, r.u8() % 70,
                                  (r.u8() % 8 == 0) ? nullptr : &m, std::min(size, sizeof m));
      require(rc == ENGINE_OK || rc == ENGINE_ERR_CLOSED || rc == ENGINE_ERR_INVALID);
      if (rc == ENGINE_OK && !of_load && size >= sizeof m && r.u8() % 2)
        require(m.channels <= 64);
      break;
    }
    case 30: { // a play with any options (any voice, region, fades), any size
      engine_play_options o;
      engine_play_options_init((r.u8() % 16 == 0) ? nullptr : &o);
      engine_play_options_init(&o);
      if (r.u8() % 8 == 0)
        o.size = r.u32();
      o.voice = (r.u8() & 1) ? ENGINE_ANY_VOICE : r.u8() % 40;
      o.buffer = (r.u8() % 4 == 0) ? r.u32() : buffer_ids[r.u8() % 8];
      o.loop = r.u8() % 3;
      o.at = static_cast<std::int32_t>(r.u32());
      o.start = (r.u8() & 1) ? r.u32() : r.u16();
      o.loop_start = (r.u8() & 1) ? r.u16() : 0;
      o.loop_end = (r.u8() & 1) ? r.u16() : (r.u8() % 8 == 0 ? std::uint64_t{r.u32()} << 8 : 0);
      o.crossfade = r.u16();
      o.fade = (r.u8() & 1) ? ENGINE_FADE_DEFAULT : r.u32() >> (r.u8() % 32);
      o.fade_in = r.u8() % 3;
      o.bus = (r.u8() & 1) ? ENGINE_BUS_UNCHANGED : r.u8() % 12;
      std::uint32_t voice = 0;
      rc = engine_play_with(target, (r.u8() % 16 == 0) ? nullptr : &o,
                            (r.u8() & 1) ? nullptr : &voice);
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      if (rc == ENGINE_OK && o.voice != ENGINE_ANY_VOICE)
        require(voice == 0 || voice == o.voice);
      break;
    }
    case 31: { // loops moved, stops faded, the speed, any values
      const std::uint32_t bits = r.u32();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      switch (r.u8() % 3) {
      case 0:
        rc = engine_set_loop(target, r.u8() % 40, r.u32(), (r.u8() & 1) ? r.u32() : 0, r.u16(),
                             static_cast<std::int32_t>(r.u32()));
        break;
      case 1:
        rc = engine_stop_fade(target, r.u8() % 40, static_cast<std::int32_t>(r.u32()),
                              (r.u8() & 1) ? ENGINE_FADE_DEFAULT : r.u32());
        break;
      default:
        rc = engine_set_speed(target, (r.u8() & 1) ? value : (r.u8() % 40) / 8.0 - 2,
                              static_cast<std::int32_t>(r.u32()), r.u16());
        break;
      }
      require(rc == ENGINE_OK || rc == ENGINE_ERR_FULL || rc == ENGINE_ERR_CLOSED ||
              rc == ENGINE_ERR_INVALID);
      break;
    }
    case 32: { // recording: into buffers, files that cannot be opened, any id; the input
      static std::uint32_t rec_ids[4];
      static float input_in[kMaxRenderFrames * kMaxChannels];
      const std::uint8_t pick = r.u8();
      const std::uint32_t source = pick % 3 == 0   ? ENGINE_RECORD_MASTER
                                   : pick % 3 == 1 ? ENGINE_RECORD_INPUT
                                                   : r.u8() % 70;
      const std::int64_t at = (r.u8() & 1) ? std::int64_t{ENGINE_AT_NEXT}
                                           : static_cast<std::int64_t>(r.u16()) - 4;
      std::uint32_t& id = rec_ids[r.u8() % 4];
      switch (r.u8() % 7) {
      case 0:
        rc = engine_record_buffer(target, source, at, r.u16() % 5000,
                                  (r.u8() % 8 == 0) ? nullptr : &id);
        require(rc == ENGINE_OK || rc == ENGINE_ERR_INVALID || rc == ENGINE_ERR_CLOSED ||
                rc == ENGINE_ERR_TABLE_FULL);
        break;
      case 1: // never a file that opens: nothing is written
        rc = engine_record_file(target, (r.u8() & 1) ? "/nonexistent-ringengine/x.wav" : nullptr,
                                source, at, r.u16(), r.u8() % 4, r.u16(), &id);
        require(rc != ENGINE_OK);
        break;
      case 2:
        rc = engine_record_stop(target, (r.u8() & 1) ? id : r.u32(), at);
        break;
      case 3: {
        engine_record_status st;
        const std::size_t size = r.u8() % (sizeof st + 1);
        rc = engine_get_record_status(target, (r.u8() & 1) ? id : r.u32(),
                                      (r.u8() % 8 == 0) ? nullptr : &st, size);
        if (rc == ENGINE_OK && size == sizeof st)
          require(st.state <= ENGINE_RECORD_DONE && std::strlen(st.error) < sizeof st.error &&
                  st.written <= st.frames);
        break;
      }
      case 4: {
        std::uint32_t buffer = 0;
        rc = engine_record_take_buffer(target, (r.u8() & 1) ? id : r.u32(),
                                       (r.u8() % 8 == 0) ? nullptr : &buffer);
        if (rc == ENGINE_OK)
          buffer_ids[r.u8() % 8] = buffer;
        break;
      }
      case 5:
        rc = engine_record_close(target, (r.u8() & 1) ? id : r.u32());
        break;
      case 6: { // an input of any bits (NaN, infinities): the output stays finite
        const std::uint64_t frames = r.u16() % kMaxRenderFrames;
        for (std::size_t i = 0, n = r.u8(); i < n; ++i) {
          const std::uint32_t bits = r.u32();
          std::memcpy(&input_in[r.u16() % (kMaxRenderFrames * kMaxChannels)], &bits,
                      sizeof bits);
        }
        rc = engine_render_input(target, render_out, (r.u8() & 1) ? input_in : nullptr, frames);
        engine_info info;
        if (rc == ENGINE_OK && engine_get_info(target, &info, sizeof info) == ENGINE_OK)
          for (std::size_t i = 0; i < frames * info.channels; ++i)
            require(std::isfinite(render_out[i]));
        break;
      }
      }
      break;
    }
    case 33: { // the transport (1.4): tempo, beats, the grid, the metronome, sync
      const std::uint32_t bits = r.u32();
      float value;
      std::memcpy(&value, &bits, sizeof value);
      const double any = (r.u8() & 1) ? value : (r.u16() % 2000) / 2.0 - 10;
      const std::int64_t at = static_cast<std::int32_t>(r.u32());
      switch (r.u8() % 7) {
      case 0: rc = engine_set_tempo(target, any, at, r.u8() % 70); break;
      case 1: {
        engine_transport t;
        rc = engine_get_transport(target, (r.u8() % 8 == 0) ? nullptr : &t,
                                  r.u8() % (sizeof t + 1));
        break;
      }
      case 2: {
        double beat = 0;
        const std::uint64_t frame = (r.u8() & 1) ? std::uint64_t{r.u32()}
                                                  : std::uint64_t{r.u32()} << 32 | r.u32();
        rc = engine_beat_at(target, frame, (r.u8() % 8 == 0) ? nullptr : &beat);
        break;
      }
      case 3: {
        std::uint64_t frame = 0;
        rc = engine_frame_at(target, any, (r.u8() % 8 == 0) ? nullptr : &frame);
        break;
      }
      case 4: {
        std::uint64_t frame = 0;
        rc = engine_grid_line(target, at, (r.u8() & 1) ? static_cast<double>(ENGINE_QUANTIZE_BAR) : any,
                              (r.u8() % 8 == 0) ? nullptr : &frame);
        break;
      }
      case 5:
        rc = engine_metronome(target, r.u8() % 3, any,
                              (r.u8() & 1) ? ENGINE_BUS_MASTER : r.u8() % 12u);
        break;
      default: rc = engine_sync_to(target, r.u8() % 40, at); break;
      }
      break;
    }
    default:
      if (target != nullptr)
        check_accounts(target);
      break;
    }
    require(is_status(rc));
  }
  for (engine* h : handles)
    engine_destroy(h);
  return 0;
}
