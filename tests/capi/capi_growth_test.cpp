// The C ABI as it grows: a config of the 1.0 size still works, with the
// defaults of what it lacks; the library describes every message kind and
// parameter; the functions since 1.1 check their arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "ringengine.h"

namespace {

struct Handle {
  engine* e = nullptr;
  ~Handle() { engine_destroy(e); }
};

// engine_config exactly as the 1.0 header declared it.
struct engine_config_1_0 {
  uint32_t size, backend, capacity, sample_rate, block_frames, channels;
  const char* device;
  const char* api;
  uint32_t voices, schedule, buffers;
};
static_assert(sizeof(engine_config_1_0) == ENGINE_CONFIG_SIZE_1_0);

TEST(CApiGrowthTest, AConfigOfThe1_0SizeGetsTheDefaultsOfWhatItLacks) {
  // A 1.0 caller's struct, in a buffer whose bytes past it are poison: the
  // library must read none of them.
  std::vector<unsigned char> memory(sizeof(engine_config) + 64, 0xAB);
  auto* old = reinterpret_cast<engine_config_1_0*>(memory.data());
  engine_config_init(reinterpret_cast<engine_config*>(old));
  EXPECT_EQ(old->size, ENGINE_CONFIG_SIZE_1_0);
  for (std::size_t i = offsetof(engine_config, messages_per_block); i < memory.size(); ++i)
    ASSERT_EQ(memory[i], 0xAB) << "engine_config_init wrote past the 1.0 fields at " << i;
  // The 1.0 struct's padding, where 1.1 has messages_per_block: garbage
  // there, as a 1.0 caller that filled its config by hand may leave.
  std::memset(memory.data() + offsetof(engine_config, messages_per_block), 0xAB, 4);
  old->backend = ENGINE_BACKEND_OFFLINE;
  old->capacity = 8;
  Handle h;
  ASSERT_EQ(engine_create(reinterpret_cast<engine_config*>(old), &h.e), ENGINE_OK)
      << engine_last_error();
  engine_info info{};
  ASSERT_EQ(engine_get_info(h.e, &info, sizeof info), ENGINE_OK);
  EXPECT_EQ(info.capacity, 8u);
  EXPECT_EQ(info.reply_capacity, 8u) << "the default: as many as capacity";
  engine_config d;
  engine_config_init_size(&d, sizeof d);
  EXPECT_EQ(info.messages_per_block, d.messages_per_block) << "not the poison 0xABABABAB";
}

TEST(CApiGrowthTest, AConfigOfThe1_1SizeGetsTheMixersDefaults) {
  // A 1.1 caller's struct ends at max_load_bytes; poison after it.
  std::vector<unsigned char> memory(sizeof(engine_config) + 64, 0xAB);
  auto* old = reinterpret_cast<engine_config*>(memory.data());
  engine_config_init_size(old, ENGINE_CONFIG_SIZE_1_1);
  EXPECT_EQ(old->size, ENGINE_CONFIG_SIZE_1_1);
  for (std::size_t i = ENGINE_CONFIG_SIZE_1_1; i < memory.size(); ++i)
    ASSERT_EQ(memory[i], 0xAB) << "engine_config_init_size wrote past the 1.1 fields at " << i;
  old->backend = ENGINE_BACKEND_OFFLINE;
  old->channels = 1;
  Handle h;
  ASSERT_EQ(engine_create(old, &h.e), ENGINE_OK) << engine_last_error();
  // The defaults, not the poison: 8 buses (bus 7 exists, 8 does not),
  // meters on (a meter reads), pan law balance.
  EXPECT_EQ(engine_set_bus(h.e, 7, ENGINE_BUS_PARAM_GAIN, 0.5, ENGINE_AT_NEXT, 0), ENGINE_OK);
  EXPECT_EQ(engine_set_bus(h.e, 8, ENGINE_BUS_PARAM_GAIN, 0.5, ENGINE_AT_NEXT, 0),
            ENGINE_ERR_INVALID);
  engine_meter m;
  EXPECT_EQ(engine_get_meter(h.e, ENGINE_METER_MASTER, 0, &m, sizeof m), ENGINE_OK);
  EXPECT_EQ(m.channels, 1u);
}

TEST(CApiGrowthTest, AConfigOfThe1_2SizeHasNoInputs) {
  // A 1.2 caller's struct ends at pan_law; poison after it.
  std::vector<unsigned char> memory(sizeof(engine_config) + 64, 0xAB);
  auto* old = reinterpret_cast<engine_config*>(memory.data());
  engine_config_init_size(old, ENGINE_CONFIG_SIZE_1_2);
  EXPECT_EQ(old->size, ENGINE_CONFIG_SIZE_1_2);
  for (std::size_t i = ENGINE_CONFIG_SIZE_1_2; i < memory.size(); ++i)
    ASSERT_EQ(memory[i], 0xAB) << "engine_config_init_size wrote past the 1.2 fields at " << i;
  old->backend = ENGINE_BACKEND_OFFLINE;
  Handle h;
  ASSERT_EQ(engine_create(old, &h.e), ENGINE_OK) << engine_last_error();
  // No inputs (the default), not the poison: an input is refused, input_db too.
  float out[2 * 16], in[16] = {};
  EXPECT_EQ(engine_render_input(h.e, out, in, 16), ENGINE_ERR_INVALID);
  EXPECT_NE(std::strstr(engine_last_error(), "no inputs"), nullptr) << engine_last_error();
  EXPECT_EQ(engine_render_input(h.e, out, nullptr, 16), ENGINE_OK);
  EXPECT_EQ(engine_set_bus(h.e, 0, ENGINE_BUS_PARAM_INPUT_DB, 0.0, ENGINE_AT_NEXT, 0),
            ENGINE_ERR_INVALID);
  std::uint32_t id = 0;
  EXPECT_EQ(engine_record_buffer(h.e, ENGINE_RECORD_INPUT, ENGINE_AT_NEXT, 16, &id),
            ENGINE_ERR_INVALID);
  // The 1.3 config takes inputs, and refuses more than 64.
  engine_config c;
  engine_config_init_size(&c, sizeof c);
  EXPECT_EQ(c.inputs, 0u);
  c.backend = ENGINE_BACKEND_OFFLINE;
  c.inputs = 65;
  Handle refused;
  EXPECT_EQ(engine_create(&c, &refused.e), ENGINE_ERR_INVALID);
  c.inputs = 1;
  Handle one;
  ASSERT_EQ(engine_create(&c, &one.e), ENGINE_OK) << engine_last_error();
  EXPECT_EQ(engine_set_bus(one.e, 0, ENGINE_BUS_PARAM_INPUT_DB, 0.0, ENGINE_AT_NEXT, 0),
            ENGINE_OK);
  for (int i = 0; i < 16; ++i)
    in[i] = static_cast<float>(i) / 16;
  ASSERT_EQ(engine_render_input(one.e, out, in, 16), ENGINE_OK);
  for (int i = 0; i < 16; ++i) // one input into both channels of bus 0, at 0 dB
    ASSERT_TRUE(out[2 * i] == in[i] && out[2 * i + 1] == in[i]) << i;
}

TEST(CApiGrowthTest, InitSizeFillsWhatTheCallerHasAndSaysHowMuch) {
  engine_config c;
  std::memset(&c, 0xCD, sizeof c);
  engine_config_init_size(&c, sizeof c);
  EXPECT_EQ(c.size, sizeof c);
  EXPECT_EQ(c.messages_per_block, 1024u);
  EXPECT_EQ(c.reply_capacity, 0u);
  // A caller built against a later, larger header: the library fills what
  // it knows and says so in size, which engine_create then takes.
  std::vector<unsigned char> later(sizeof(engine_config) + 16, 0xEE);
  engine_config_init_size(reinterpret_cast<engine_config*>(later.data()), later.size());
  EXPECT_EQ(reinterpret_cast<engine_config*>(later.data())->size, sizeof(engine_config));
  EXPECT_EQ(later[sizeof(engine_config)], 0xEE);
  engine_config between;
  engine_config_init_size(&between, sizeof between);
  between.backend = ENGINE_BACKEND_OFFLINE;
  between.size = ENGINE_CONFIG_SIZE_1_0 + 4; // no version's size: half a field
  Handle refused;
  EXPECT_EQ(engine_create(&between, &refused.e), ENGINE_ERR_INVALID);
  engine_config tiny;
  tiny.size = 7;
  engine_config_init_size(&tiny, 7);
  EXPECT_EQ(tiny.size, 7u) << "too small to be any version: untouched";
  Handle h;
  EXPECT_EQ(engine_create(&tiny, &h.e), ENGINE_ERR_INVALID);
  EXPECT_NE(std::string(engine_last_error()).find("config.size"), std::string::npos);
}

TEST(CApiGrowthTest, EveryKindOfTheHeaderIsDescribedWithItsFields) {
  struct Known {
    int kind;
    const char* name;
    std::uint32_t direction;
  };
  const Known header[] = {
      {ENGINE_MSG_PING, "ping", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_PONG, "pong", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_SET_PARAM, "set_param", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_PLAY, "play", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_STOP, "stop", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_BUFFER_CLOSE, "buffer_close", ENGINE_DIRECTION_RESERVED},
      {ENGINE_MSG_VOICE_ENDED, "voice_ended", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_BUFFER_RELEASED, "buffer_released", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_EVENTS_LOST, "events_lost", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_CANCEL, "cancel", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_SET_BUS, "set_bus", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_METER, "meter", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_SET_VOICE, "set_voice", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_SET_SPEED, "set_speed", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_RECORD_ENDED, "record_ended", ENGINE_DIRECTION_REPLY},
      {ENGINE_MSG_QUANTIZE, "quantize", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_SET_TEMPO, "set_tempo", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_METRONOME, "metronome", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_SYNC_TO, "sync_to", ENGINE_DIRECTION_COMMAND},
      {ENGINE_MSG_SET_LOOP, "set_loop", ENGINE_DIRECTION_COMMAND},
  };
  std::size_t described = 0;
  for (int kind = 0; kind < 65536; ++kind) {
    engine_kind_info info;
    if (engine_describe_kind(kind, &info, sizeof info) != ENGINE_OK)
      continue;
    ++described;
    ASSERT_EQ(info.kind, static_cast<std::uint32_t>(kind));
    ASSERT_LE(info.field_count, ENGINE_MAX_FIELDS);
    std::set<std::string> members;
    for (std::uint32_t i = 0; i < info.field_count; ++i)
      EXPECT_TRUE(members.insert(info.field_members[i]).second)
          << info.name << ": one member carries two fields";
  }
  EXPECT_EQ(described, std::size(header)) << "a kind of the library the header lacks";
  for (const Known& k : header) {
    engine_kind_info info;
    ASSERT_EQ(engine_describe_kind(k.kind, &info, sizeof info), ENGINE_OK) << k.name;
    EXPECT_STREQ(info.name, k.name);
    EXPECT_EQ(info.direction, k.direction) << k.name;
  }
  engine_kind_info play;
  ASSERT_EQ(engine_describe_kind(ENGINE_MSG_PLAY, &play, sizeof play), ENGINE_OK);
  ASSERT_EQ(play.field_count, 5u);
  EXPECT_STREQ(play.field_names[3], "buffer");
  EXPECT_STREQ(play.field_members[3], "arg");
  EXPECT_STREQ(play.field_names[4], "fade");
  EXPECT_STREQ(play.field_members[4], "value");
  EXPECT_EQ(engine_describe_kind(ENGINE_MSG_NONE, &play, sizeof play), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_describe_kind(-1, &play, sizeof play), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_describe_kind(ENGINE_MSG_PING, nullptr, sizeof play), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_FREQ), "freq");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_GAIN), "gain");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_PAN), "pan");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_GAIN_DB), "gain_db");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_BUS), "bus");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_RATE), "rate");
  EXPECT_STREQ(engine_param_name(ENGINE_PARAM_PITCH), "pitch");
  EXPECT_STREQ(engine_param_name(7), "unknown");
  EXPECT_STREQ(engine_param_name(-1), "unknown");
  const char* bus_params[] = {"gain",   "gain_db", "pan",     "mute",
                              "eq_low", "eq_mid",  "eq_high", "input_db"};
  for (int p = 0; p < 8; ++p)
    EXPECT_STREQ(engine_bus_param_name(p), bus_params[p]);
  EXPECT_EQ(ENGINE_BUS_PARAM_EQ_HIGH, 6);
  EXPECT_EQ(ENGINE_BUS_PARAM_INPUT_DB, 7);
  EXPECT_STREQ(engine_bus_param_name(8), "unknown");
  EXPECT_STREQ(engine_bus_param_name(-1), "unknown");
}

TEST(CApiGrowthTest, TheFunctionsSince1_1CheckTheirArguments) {
  Handle h;
  engine_config c;
  engine_config_init_size(&c, sizeof c);
  c.backend = ENGINE_BACKEND_OFFLINE;
  ASSERT_EQ(engine_create(&c, &h.e), ENGINE_OK);
  engine_load load;
  engine_voice_state v;
  EXPECT_EQ(engine_set_param_latest(nullptr, 0, ENGINE_PARAM_GAIN, 0.5, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param_latest(h.e, 32, ENGINE_PARAM_GAIN, 0.5, 0), ENGINE_ERR_INVALID);
  EXPECT_STREQ(engine_last_error(), "no such voice 32 (voices are 0 .. 31)");
  EXPECT_EQ(engine_set_param_latest(h.e, 0, 7, 0.5, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param_latest(h.e, 0, ENGINE_PARAM_GAIN, NAN, 0), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_set_param_latest(h.e, 0, ENGINE_PARAM_GAIN, 0.5, 0), ENGINE_OK);
  EXPECT_EQ(engine_get_load(nullptr, &load, sizeof load), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_load(h.e, nullptr, sizeof load), ENGINE_ERR_INVALID);
  EXPECT_EQ(engine_get_voice_state(h.e, 32, &v, sizeof v), ENGINE_ERR_INVALID);
  ASSERT_EQ(engine_process(h.e, 128), ENGINE_OK);
  ASSERT_EQ(engine_get_voice_state(h.e, 0, &v, sizeof v), ENGINE_OK);
  EXPECT_EQ(v.gain, 0.5);
  ASSERT_EQ(engine_get_load(h.e, &load, sizeof load), ENGINE_OK);
  EXPECT_EQ(load.frame, 128u);
  engine_stats s{};
  ASSERT_EQ(engine_get_stats(h.e, &s, sizeof s), ENGINE_OK);
  EXPECT_EQ(s.params_set, 1u);
  EXPECT_EQ(s.params_applied, 1u);
  engine_close(h.e);
  EXPECT_EQ(engine_set_param_latest(h.e, 0, ENGINE_PARAM_GAIN, 0.5, 0), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_get_load(h.e, &load, sizeof load), ENGINE_ERR_CLOSED);
  EXPECT_EQ(engine_get_voice_state(h.e, 0, &v, sizeof v), ENGINE_ERR_CLOSED);
}

} // namespace

// ---- engine_play_options: 1.3's size, and 1.4's bpm ----

// A mono ramp 0, 1, 2, ... as a buffer; the engine renders mono.
struct RampEngine {
  Handle h;
  uint32_t buffer = 0;
  explicit RampEngine(uint64_t frames) {
    engine_config c;
    engine_config_init_size(&c, sizeof c);
    c.backend = ENGINE_BACKEND_OFFLINE;
    c.channels = 1;
    EXPECT_EQ(engine_create(&c, &h.e), ENGINE_OK) << engine_last_error();
    std::vector<float> ramp(frames);
    for (uint64_t i = 0; i < frames; ++i)
      ramp[i] = static_cast<float>(i);
    EXPECT_EQ(engine_load_buffer(h.e, ramp.data(), frames, 1, &buffer), ENGINE_OK);
  }
  std::vector<float> render(uint64_t frames) {
    std::vector<float> out(frames);
    EXPECT_EQ(engine_render(h.e, out.data(), frames), ENGINE_OK) << engine_last_error();
    return out;
  }
};

TEST(CApiGrowthTest, PlayOptionsOfThe1_3SizeAreNotLockedWhateverFollowsThem) {
  // A 1.3 caller's options, poison past them where 1.4 has bpm.
  std::vector<unsigned char> memory(sizeof(engine_play_options) + 16, 0xAB);
  auto* o = reinterpret_cast<engine_play_options*>(memory.data());
  engine_play_options_init(o);
  EXPECT_EQ(o->size, ENGINE_PLAY_OPTIONS_SIZE_1_3);
  for (std::size_t i = ENGINE_PLAY_OPTIONS_SIZE_1_3; i < memory.size(); ++i)
    ASSERT_EQ(memory[i], 0xAB) << "engine_play_options_init wrote past 1.3's fields at " << i;
  RampEngine r(1000);
  o->voice = 0;
  o->buffer = r.buffer;
  o->fade = 0;
  ASSERT_EQ(engine_set_tempo(r.h.e, 240.0, ENGINE_AT_NEXT, 0), ENGINE_OK);
  ASSERT_EQ(engine_play_with(r.h.e, o, nullptr), ENGINE_OK) << engine_last_error();
  const std::vector<float> out = r.render(64);
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(out[i], static_cast<float>(i)) << "played at the buffer's speed, not locked";
}

TEST(CApiGrowthTest, PlayOptionsOf1_4LockToTheTempoAndCheckTheirBpm) {
  engine_play_options o;
  std::memset(&o, 0xCD, sizeof o);
  engine_play_options_init_size(&o, sizeof o);
  EXPECT_EQ(o.size, sizeof o);
  EXPECT_EQ(o.bpm, 0.0f);
  RampEngine r(48000);
  o.voice = 0;
  o.buffer = r.buffer;
  o.fade = 0;
  for (float bad : {-1.0f, 0.5f, 1000.0f, NAN, INFINITY}) {
    o.bpm = bad;
    EXPECT_EQ(engine_play_with(r.h.e, &o, nullptr), ENGINE_ERR_INVALID) << bad;
    EXPECT_NE(std::string(engine_last_error()).find("1 .. 999"), std::string::npos);
  }
  // The transport at 120 BPM, the clip at 60: twice the buffer's speed.
  o.bpm = 60.0f;
  ASSERT_EQ(engine_play_with(r.h.e, &o, nullptr), ENGINE_OK) << engine_last_error();
  const std::vector<float> out = r.render(256);
  for (int i = 0; i < 256; ++i)
    ASSERT_EQ(out[i], static_cast<float>(2 * i)) << i;
  // A size no version has is refused.
  o.size = ENGINE_PLAY_OPTIONS_SIZE_1_3 + 4;
  EXPECT_EQ(engine_play_with(r.h.e, &o, nullptr), ENGINE_ERR_INVALID);
  engine_play_options tiny;
  tiny.size = 9;
  engine_play_options_init_size(&tiny, 9);
  EXPECT_EQ(tiny.size, 9u) << "too small to be any version: untouched";
}
