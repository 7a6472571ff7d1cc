// The C header's types are the engine's, checked here at compile time: the
// wire struct byte for byte, every kind of messages.def and every parameter
// of params.def with its number, the enums and the counters.
#include <cstddef>
#include <type_traits>

#include "handle.hpp"

using ringengine::BackendKind;
using ringengine::Engine;
using ringengine::Message;
using ringengine::MessageKind;
using ringengine::Param;

// The header's wire struct is the engine's Message, byte for byte: commands
// and replies are copied between the rings and the caller's engine_message.
static_assert(sizeof(engine_message) == sizeof(Message));
static_assert(alignof(engine_message) == alignof(Message));
static_assert(offsetof(engine_message, kind) == offsetof(Message, kind));
static_assert(offsetof(engine_message, param) == offsetof(Message, param));
static_assert(offsetof(engine_message, id) == offsetof(Message, id));
static_assert(offsetof(engine_message, frame) == offsetof(Message, frame));
static_assert(offsetof(engine_message, value) == offsetof(Message, value));
static_assert(offsetof(engine_message, arg) == offsetof(Message, arg));
static_assert(std::is_trivially_copyable_v<engine_message>);

// Every kind of the table is in the C enum, with its number: a kind added
// to messages.def and not to ringengine.h fails to build here.
static_assert(ENGINE_MSG_NONE == static_cast<int>(MessageKind::none));
#define COMMAND(kind, NAME, number) static_assert(ENGINE_MSG_##NAME == number);
#define REPLY(kind, NAME, number) static_assert(ENGINE_MSG_##NAME == number);
#define RESERVED(kind, NAME, number) static_assert(ENGINE_MSG_##NAME == number);
#include "messages/messages.def"
#define PARAM(name, NAME, number) static_assert(ENGINE_PARAM_##NAME == number);
#include "messages/params.def"
#define BUS_PARAM(name, NAME, number) static_assert(ENGINE_BUS_PARAM_##NAME == number);
#include "messages/bus_params.def"
static_assert(ENGINE_BUS_MASTER == ringengine::kMasterBus);
static_assert(ENGINE_METER_VOICE == ringengine::kMeterVoice);
static_assert(ENGINE_METER_BUS == ringengine::kMeterBus);
static_assert(ENGINE_METER_MASTER == ringengine::kMeterMaster);
static_assert(ENGINE_PAN_BALANCE == static_cast<int>(ringengine::PanLaw::balance));
static_assert(ENGINE_PAN_EQUAL_POWER == static_cast<int>(ringengine::PanLaw::equal_power));
static_assert(Engine::kMaxChannels == 64 && ringengine::kMeterChannels == 64);
static_assert(ENGINE_MAX_FIELDS == ringengine::kMaxFields);
static_assert(ENGINE_PLAY_LOOP == ringengine::kPlayLoop);
static_assert(ENGINE_PLAY_FADE_IN == ringengine::kPlayFadeIn);
static_assert(ENGINE_PLAY_KEYLOCK == ringengine::kPlayKeylock);
static_assert(ENGINE_VOICE_PLAY_START == static_cast<int>(ringengine::VoiceSetting::play_start));
static_assert(ENGINE_VOICE_PLAY_CROSSFADE ==
              static_cast<int>(ringengine::VoiceSetting::play_crossfade));
static_assert(ENGINE_VOICE_LOOP_START == static_cast<int>(ringengine::VoiceSetting::loop_start));
static_assert(ENGINE_VOICE_PLAY_BPM == static_cast<int>(ringengine::VoiceSetting::play_bpm));
static_assert(ENGINE_VOICE_PLAY_BPM + 1 == ringengine::kVoiceSettingCount);
static_assert(ENGINE_ANY_VOICE == ringengine::Message::kAllVoices);
static_assert(ENGINE_CANCEL_ALL_VOICES == ringengine::kCancelAllVoices);
static_assert(ENGINE_DIRECTION_COMMAND == static_cast<int>(ringengine::Direction::command));
static_assert(ENGINE_DIRECTION_REPLY == static_cast<int>(ringengine::Direction::reply));
static_assert(ENGINE_DIRECTION_RESERVED == static_cast<int>(ringengine::Direction::reserved));

static_assert(static_cast<std::uint64_t>(std::int64_t{ENGINE_AT_NEXT}) == ringengine::kFrameNext);
// Every backend of backends.def is in the C enum, with its number.
#define BACKEND(kind, NAME, number, name, devices, api)                         \
  static_assert(ENGINE_BACKEND_##NAME == number &&                              \
                ENGINE_BACKEND_##NAME == static_cast<int>(BackendKind::kind));
#include "backends/backends.def"
static_assert(ENGINE_BACKEND_PULSE + 1 == ringengine::kBackendKinds);
static_assert(ENGINE_DEFAULT_CAPACITY == ringengine::EngineConfig{}.capacity);
static_assert(ENGINE_MAX_VOICES == Engine::kMaxVoices);

static_assert(ENGINE_VERSION_NUMBER ==
              ENGINE_VERSION_MAJOR * 10000 + ENGINE_VERSION_MINOR * 100 + ENGINE_VERSION_PATCH);
static_assert(ENGINE_MAX_CAPACITY == Engine::kMaxCapacity);
static_assert(sizeof(engine_info::device) == ENGINE_DEVICE_NAME_MAX);
static_assert(sizeof(engine_info::note) == ENGINE_NOTE_MAX);
static_assert(ENGINE_WARNING_MAX == ringengine::WarningLog::kTextMax);
static_assert(sizeof(engine_device::name) == ENGINE_DEVICE_NAME_MAX);

// The config of 1.0 ended with `buffers` and 4 bytes of padding, where 1.1
// has messages_per_block: a config of the 1.0 size is read up to `buffers`.
static_assert(ENGINE_CONFIG_SIZE_1_0 == offsetof(engine_config, messages_per_block) + 4);
static_assert(sizeof(engine_config) > ENGINE_CONFIG_SIZE_1_0);
// 1.1 ended with max_load_bytes; 1.2 adds the mixer's fields after it.
static_assert(ENGINE_CONFIG_SIZE_1_1 == offsetof(engine_config, buses));
static_assert(ENGINE_CONFIG_SIZE_1_2 == ENGINE_CONFIG_SIZE_1_1 + 16);
// engine_play_options grew at its end in 1.4: bpm right after 1.3's size.
static_assert(offsetof(engine_play_options, bpm) == ENGINE_PLAY_OPTIONS_SIZE_1_3);
static_assert(sizeof(engine_play_options) == ENGINE_PLAY_OPTIONS_SIZE_1_3 + 8);
// 1.3 adds the key-locked voices' budget and the inputs.
static_assert(ENGINE_CONFIG_SIZE_1_2 == offsetof(engine_config, keylock_voices));
static_assert(offsetof(engine_config, inputs) == ENGINE_CONFIG_SIZE_1_2 + 4);
static_assert(sizeof(engine_config) == ENGINE_CONFIG_SIZE_1_2 + 8);
// Every engine field of config.def is engine_config's of the same name and
// size, inside the struct of the version that added it and past the one
// before, in the table's order; with `size`, `backend`, `device` and `api`
// and the 4 bytes of padding before max_load_bytes they are the whole
// struct, so no field is missing.
namespace config_layout {
constexpr std::size_t kStart_1_0 = 0, kEnd_1_0 = offsetof(engine_config, messages_per_block);
constexpr std::size_t kStart_1_1 = kEnd_1_0, kEnd_1_1 = ENGINE_CONFIG_SIZE_1_1;
constexpr std::size_t kStart_1_2 = kEnd_1_1, kEnd_1_2 = ENGINE_CONFIG_SIZE_1_2;
constexpr std::size_t kStart_1_3 = kEnd_1_2, kEnd_1_3 = sizeof(engine_config);
constexpr std::size_t kOffsets[] = {
#define CONFIG(name, type, default_value, least, most, since, meaning) offsetof(engine_config, name),
#include "core/config.def"
};
constexpr std::size_t kFieldBytes = 0
#define CONFIG(name, type, default_value, least, most, since, meaning) +sizeof(type)
#include "core/config.def"
    ;
constexpr bool increasing() {
  for (std::size_t i = 1; i < std::size(kOffsets); ++i)
    if (kOffsets[i] <= kOffsets[i - 1])
      return false;
  return true;
}
} // namespace config_layout
#define CONFIG(name, type, default_value, least, most, since, meaning)                          \
  static_assert(sizeof(engine_config::name) == sizeof(type), "config." #name ": size");       \
  static_assert(offsetof(engine_config, name) >= config_layout::kStart_##since &&              \
                    offsetof(engine_config, name) + sizeof(type) <= config_layout::kEnd_##since, \
                "config." #name ": inside the size of the version that added it");
#include "core/config.def"
static_assert(offsetof(engine_config, max_load_bytes) ==
              offsetof(engine_config, reply_capacity) + 8); // the padding
static_assert(config_layout::increasing(), "config.def lists engine_config's fields in order");
static_assert(sizeof(engine_config) ==
                  2 * sizeof(std::uint32_t) + 2 * sizeof(const char*) +
                      config_layout::kFieldBytes + 4,
              "every engine field of engine_config is in config.def");

static_assert(ENGINE_RECORD_MASTER == ringengine::kRecordMaster);
static_assert(ENGINE_RECORD_INPUT == ringengine::kRecordInput);
static_assert(Engine::kMaxInputs == 64);
static_assert(ENGINE_RECORD_END_DONE == static_cast<int>(ringengine::RecordEnd::done));
static_assert(ENGINE_RECORD_END_OVERRUN == static_cast<int>(ringengine::RecordEnd::overrun));
static_assert(ENGINE_RECORD_END_WRITE_ERROR ==
              static_cast<int>(ringengine::RecordEnd::write_error));
static_assert(ENGINE_QUALITY_QUICK == static_cast<int>(ringengine::ResampleQuality::quick));
static_assert(ENGINE_QUALITY_VERY_HIGH ==
              static_cast<int>(ringengine::ResampleQuality::very_high));

// engine_stats is the engine's counters up to buffers_live, in their order,
// then the backend's warnings, then the counters since 1.1.
static_assert(offsetof(engine_stats, commands_sent) ==
              offsetof(ringengine::EngineStats, commands_sent));
static_assert(offsetof(engine_stats, buffers_live) ==
              offsetof(ringengine::EngineStats, buffers_live));
static_assert(offsetof(engine_stats, warnings) == offsetof(ringengine::EngineStats, params_set));

// The snapshots are the engine's, field for field.
static_assert(sizeof(engine_load) == sizeof(ringengine::EngineLoad));
static_assert(offsetof(engine_load, last) == offsetof(ringengine::EngineLoad, last));
static_assert(offsetof(engine_load, active_voices) ==
              offsetof(ringengine::EngineLoad, active_voices));
static_assert(sizeof(engine_voice_state) == sizeof(ringengine::VoiceState));
static_assert(offsetof(engine_voice_state, buffer) == offsetof(ringengine::VoiceState, buffer));
static_assert(offsetof(engine_voice_state, pan) == offsetof(ringengine::VoiceState, pan));
static_assert(sizeof(engine_meter) == sizeof(ringengine::MeterReading));
static_assert(offsetof(engine_meter, clips) == offsetof(ringengine::MeterReading, clips));
static_assert(offsetof(engine_meter, channels) == offsetof(ringengine::MeterReading, channels));
static_assert(offsetof(engine_meter, peak) == offsetof(ringengine::MeterReading, peak));
static_assert(offsetof(engine_meter, rms) == offsetof(ringengine::MeterReading, rms));
static_assert(sizeof(engine_dsp_load) == sizeof(ringengine::DspLoad));
static_assert(offsetof(engine_dsp_load, peak) == offsetof(ringengine::DspLoad, peak));
static_assert(offsetof(engine_dsp_load, frames) == offsetof(ringengine::DspLoad, frames));
static_assert(offsetof(engine_stats, meter_events_dropped) ==
              offsetof(engine_stats, cancelled) + 8);
static_assert(offsetof(engine_stats, input_nonfinite) ==
              offsetof(engine_stats, meter_events_dropped) + 8);
static_assert(ENGINE_VOICE_PLAYING == ringengine::kVoicePlaying);
static_assert(ENGINE_VOICE_LOOPING == ringengine::kVoiceLooping);
static_assert(ENGINE_VOICE_SOUNDING == ringengine::kVoiceSounding);
