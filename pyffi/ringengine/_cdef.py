"""The C declarations cffi needs, generated from capi/ringengine.h by
pyffi/gen_cdef.py. Do not edit: change the header and regenerate.
"""

CDEF = """
/* 1. Version and errors */

#define ENGINE_VERSION_MAJOR 1
#define ENGINE_VERSION_MINOR 4
#define ENGINE_VERSION_PATCH 0
#define ENGINE_VERSION_NUMBER 10400

typedef enum engine_status {
    ENGINE_OK = 0,
    ENGINE_EMPTY = 1,
    ENGINE_ERR_INVALID = -1,
    ENGINE_ERR_NOMEM = -2,
    ENGINE_ERR_FULL = -3,
    ENGINE_ERR_CLOSED = -4,
    ENGINE_ERR_BACKEND = -5,
    ENGINE_ERR_NO_DEVICE = -6,
    ENGINE_ERR_BUSY = -7,
    ENGINE_ERR_TIMEOUT = -8,
    ENGINE_ERR_UNSUPPORTED = -9,
    ENGINE_ERR_INTERNAL = -10,
    ENGINE_ERR_TABLE_FULL = -11,
    ENGINE_ERR_NOT_FOUND = -12,
    ENGINE_ERR_DECODE = -13,
    ENGINE_ERR_CANCELLED = -14
} engine_status;

unsigned int engine_version_number(void);

const char *engine_version_string(void);

const char *engine_strerror(int status);

const char *engine_last_error(void);

#define ENGINE_FEATURE_FILES 1
#define ENGINE_FEATURE_KEYLOCK 2

unsigned int engine_features(void);

int engine_nop(void);

/* 2. Configuration and life cycle */

#define ENGINE_DEFAULT_CAPACITY 1024
#define ENGINE_MAX_CAPACITY 1048576
#define ENGINE_MAX_VOICES 4096

typedef struct engine engine;

typedef enum engine_backend {
    ENGINE_BACKEND_AUTO = 0,
    ENGINE_BACKEND_RTAUDIO = 1,
    ENGINE_BACKEND_NULL = 2,
    ENGINE_BACKEND_OFFLINE = 3,
    ENGINE_BACKEND_JACK = 4,
    ENGINE_BACKEND_PULSE = 5
} engine_backend;

const char *engine_backend_name(int backend);

typedef struct engine_config {
    uint32_t size;
    uint32_t backend;
    uint32_t capacity;
    uint32_t sample_rate;
    uint32_t block_frames;
    uint32_t channels;
    const char *device;
    const char *api;

    uint32_t voices;
    uint32_t schedule;
    uint32_t buffers;

    uint32_t messages_per_block;
    uint32_t reply_capacity;
    uint64_t max_load_bytes;

    uint32_t buses;
    uint32_t meter_ms;
    uint32_t meter_events_hz;
    uint32_t pan_law;

    uint32_t keylock_voices;
    uint32_t inputs;
} engine_config;

#define ENGINE_CONFIG_SIZE_1_0 56

#define ENGINE_CONFIG_SIZE_1_1 72

#define ENGINE_CONFIG_SIZE_1_2 88

void engine_config_init(engine_config *config);

void engine_config_init_size(engine_config *config, size_t size);

int engine_create(const engine_config *config, engine **out);

int engine_close(engine *e);

void engine_destroy(engine *e);

typedef enum engine_state {
    ENGINE_STATE_RUNNING = 0,
    ENGINE_STATE_STOPPED = 1,
    ENGINE_STATE_CLOSED = 2
} engine_state;

int engine_get_state(engine *e, char *reason, size_t reason_size);

#define ENGINE_DEVICE_NAME_MAX 128
#define ENGINE_NOTE_MAX 256

typedef struct engine_info {
    uint32_t backend;
    uint32_t capacity;
    uint32_t sample_rate;
    uint32_t block_frames;
    uint32_t channels;
    char device[128];
    char note[256];
    uint32_t voices;
    uint32_t latency_frames;

    uint32_t reply_capacity;
    uint32_t messages_per_block;
    uint32_t buffers;

    uint32_t inputs;
    uint32_t input_latency_frames;
} engine_info;

int engine_get_info(engine *e, engine_info *out, size_t size);

/* 3. Messages: the generic send and receive */

enum { ENGINE_AT_NEXT = -1 };

typedef enum engine_message_kind {
    ENGINE_MSG_NONE = 0,
    ENGINE_MSG_PING = 1,
    ENGINE_MSG_PONG = 2,
    ENGINE_MSG_SET_PARAM = 3,
    ENGINE_MSG_PLAY = 4,
    ENGINE_MSG_STOP = 5,
    ENGINE_MSG_BUFFER_CLOSE = 6,
    ENGINE_MSG_VOICE_ENDED = 7,
    ENGINE_MSG_BUFFER_RELEASED = 8,
    ENGINE_MSG_EVENTS_LOST = 9,
    ENGINE_MSG_CANCEL = 10,
    ENGINE_MSG_SET_BUS = 11,
    ENGINE_MSG_METER = 12,
    ENGINE_MSG_SET_VOICE = 13,
    ENGINE_MSG_SET_SPEED = 14,
    ENGINE_MSG_RECORD_ENDED = 15,
    ENGINE_MSG_QUANTIZE = 16,
    ENGINE_MSG_SET_TEMPO = 17,
    ENGINE_MSG_METRONOME = 18,
    ENGINE_MSG_SYNC_TO = 19,
    ENGINE_MSG_SET_LOOP = 20
} engine_message_kind;

typedef struct engine_message {
    uint16_t kind;
    uint16_t param;
    uint32_t id;
    uint64_t frame;
    float value;
    uint32_t arg;
} engine_message;

typedef enum engine_direction {
    ENGINE_DIRECTION_COMMAND = 0,
    ENGINE_DIRECTION_REPLY = 1,
    ENGINE_DIRECTION_RESERVED = 2
} engine_direction;

#define ENGINE_MAX_FIELDS 5

typedef struct engine_kind_info {
    uint32_t kind;
    uint32_t direction;
    const char *name;
    uint32_t field_count;

    const char *field_names[ENGINE_MAX_FIELDS];
    const char *field_members[ENGINE_MAX_FIELDS];
} engine_kind_info;

int engine_describe_kind(int kind, engine_kind_info *out, size_t size);

int64_t engine_send(engine *e, const engine_message *m);

int engine_try_recv(engine *e, engine_message *out);

int engine_recv_many(engine *e, engine_message *out, uint32_t max, uint32_t *count);

int engine_recv(engine *e, engine_message *out, uint32_t timeout_us);

int engine_fileno(engine *e);

/* 4. Pings */

int64_t engine_send_ping(engine *e);

int engine_send_pings(engine *e, uint32_t count, uint32_t *first_seq, uint32_t *sent);

/* 5. Voices and their parameters */

typedef enum engine_param {
    ENGINE_PARAM_FREQ = 0,
    ENGINE_PARAM_GAIN = 1,
    ENGINE_PARAM_PAN = 2,
    ENGINE_PARAM_GAIN_DB = 3,
    ENGINE_PARAM_BUS = 4,
    ENGINE_PARAM_RATE = 5,
    ENGINE_PARAM_PITCH = 6
} engine_param;

const char *engine_param_name(int param);

int engine_set_param(engine *e, uint32_t voice, int param, double value, int64_t at,
                     uint32_t ramp);

int engine_set_param_latest(engine *e, uint32_t voice, int param, double value,
                            uint32_t ramp);

/* 6. Playback */

#define ENGINE_PLAY_LOOP 1
#define ENGINE_PLAY_FADE_IN 2
#define ENGINE_PLAY_KEYLOCK 4

#define ENGINE_FADE_DEFAULT 0xffffffffu

#define ENGINE_ANY_VOICE 0xffffffffu

#define ENGINE_BUS_UNCHANGED 0xfffffffeu

typedef enum engine_voice_setting {
    ENGINE_VOICE_PLAY_START = 0,
    ENGINE_VOICE_PLAY_LOOP_START = 1,
    ENGINE_VOICE_PLAY_LOOP_END = 2,
    ENGINE_VOICE_PLAY_CROSSFADE = 3,
    ENGINE_VOICE_LOOP_START = 4,
    ENGINE_VOICE_LOOP_END = 5,
    ENGINE_VOICE_CROSSFADE = 6,
    ENGINE_VOICE_PLAY_BPM = 7
} engine_voice_setting;

typedef struct engine_play_options {
    uint32_t size;
    uint32_t voice;
    uint32_t buffer;
    uint32_t loop;
    int64_t at;
    uint64_t start;
    uint64_t loop_start;
    uint64_t loop_end;
    uint32_t crossfade;
    uint32_t fade;
    uint32_t fade_in;
    uint32_t bus;
    uint32_t keylock;
    float quantize;

    float bpm;
} engine_play_options;

enum { ENGINE_PLAY_OPTIONS_SIZE_1_3 = 72 };

enum { ENGINE_QUANTIZE_BAR = -1 };

void engine_play_options_init(engine_play_options *options);

void engine_play_options_init_size(engine_play_options *options, size_t size);

int engine_play_with(engine *e, const engine_play_options *options, uint32_t *voice);

int engine_play(engine *e, uint32_t voice, uint32_t buffer, int64_t at, int loop);

int engine_set_loop(engine *e, uint32_t voice, uint64_t loop_start, uint64_t loop_end,
                    uint32_t crossfade, int64_t at);

int engine_stop(engine *e, uint32_t voice, int64_t at);

int engine_stop_fade(engine *e, uint32_t voice, int64_t at, uint32_t fade);

#define ENGINE_CANCEL_ALL_VOICES 1

enum { ENGINE_ALL_VOICES = -1 };

int engine_cancel(engine *e, int64_t voice, int64_t at);

int engine_set_speed(engine *e, double speed, int64_t at, uint32_t ramp);

/* 7. Sample buffers */

int engine_load_buffer(engine *e, const float *samples, uint64_t frames, uint32_t channels,
                       uint32_t *id);

int engine_buffer_close(engine *e, uint32_t buffer);

typedef struct engine_buffer_info {
    uint64_t frames;
    uint32_t channels;
    uint32_t source_rate;
} engine_buffer_info;

int engine_get_buffer_info(engine *e, uint32_t id, engine_buffer_info *out, size_t size);

int engine_buffer_read(engine *e, uint32_t id, uint64_t start, uint64_t frames, float *out,
                       uint64_t *read);

/* 8. Audio files */

typedef enum engine_quality {
    ENGINE_QUALITY_QUICK = 0,
    ENGINE_QUALITY_LOW = 1,
    ENGINE_QUALITY_MEDIUM = 2,
    ENGINE_QUALITY_HIGH = 3,
    ENGINE_QUALITY_VERY_HIGH = 4
} engine_quality;

int engine_load_file(engine *e, const char *path, int quality, uint32_t *id);

int engine_load_file_async(engine *e, const char *path, int quality, uint64_t *job);

int engine_load_poll(engine *e, uint64_t job, float *progress, uint32_t *id);

int engine_load_wait(engine *e, uint64_t job, uint32_t timeout_us, uint32_t *id);

int engine_load_cancel(engine *e, uint64_t job);

int engine_load_forget(engine *e, uint64_t job);

/* 9. Mixer: buses and meters (since 1.2) */

typedef enum engine_pan_law {
    ENGINE_PAN_BALANCE = 0,
    ENGINE_PAN_EQUAL_POWER = 1
} engine_pan_law;

typedef enum engine_bus_param {
    ENGINE_BUS_PARAM_GAIN = 0,
    ENGINE_BUS_PARAM_GAIN_DB = 1,
    ENGINE_BUS_PARAM_PAN = 2,
    ENGINE_BUS_PARAM_MUTE = 3,
    ENGINE_BUS_PARAM_EQ_LOW = 4,
    ENGINE_BUS_PARAM_EQ_MID = 5,
    ENGINE_BUS_PARAM_EQ_HIGH = 6,
    ENGINE_BUS_PARAM_INPUT_DB = 7
} engine_bus_param;

#define ENGINE_BUS_MASTER 0xffffffffu

const char *engine_bus_param_name(int param);

int engine_set_bus(engine *e, uint32_t bus, int param, double value, int64_t at,
                   uint32_t ramp);

typedef enum engine_meter_source {
    ENGINE_METER_VOICE = 0,
    ENGINE_METER_BUS = 1,
    ENGINE_METER_MASTER = 2
} engine_meter_source;

typedef struct engine_meter {
    uint64_t frame;
    uint64_t clips;
    uint32_t frames;
    uint32_t channels;
    float peak[64];
    float rms[64];
} engine_meter;

int engine_get_meter(engine *e, int source, uint32_t index, engine_meter *out, size_t size);

/* 10. Input and recording (since 1.3) */

#define ENGINE_RECORD_MASTER 0xffffffffu
#define ENGINE_RECORD_INPUT 0xfffffffeu

typedef enum engine_record_format {
    ENGINE_FORMAT_AUTO = 0,
    ENGINE_FORMAT_WAV = 1,
    ENGINE_FORMAT_FLAC = 2
} engine_record_format;

typedef enum engine_record_end {
    ENGINE_RECORD_END_DONE = 1,
    ENGINE_RECORD_END_OVERRUN = 2,
    ENGINE_RECORD_END_WRITE_ERROR = 3
} engine_record_end;

typedef enum engine_record_state {
    ENGINE_RECORD_WAITING = 0,
    ENGINE_RECORD_RUNNING = 1,
    ENGINE_RECORD_ENDING = 2,
    ENGINE_RECORD_DONE = 3
} engine_record_state;

typedef struct engine_record_status {
    uint32_t state;
    uint32_t channels;
    uint64_t start_frame;
    uint64_t frames;
    uint64_t written;
    uint64_t overruns;
    char error[256];
} engine_record_status;

int engine_record_file(engine *e, const char *path, uint32_t source, int64_t at,
                       uint64_t frames, uint32_t format, uint64_t ring_frames, uint32_t *id);

int engine_record_buffer(engine *e, uint32_t source, int64_t at, uint64_t frames,
                         uint32_t *id);

int engine_record_stop(engine *e, uint32_t id, int64_t at);

int engine_get_record_status(engine *e, uint32_t id, engine_record_status *out, size_t size);

int engine_record_take_buffer(engine *e, uint32_t id, uint32_t *buffer);

int engine_record_close(engine *e, uint32_t id);

/* 11. Inspection */

int engine_get_frame(engine *e, uint64_t *out);

typedef struct engine_stats {
    uint64_t callbacks;
    uint64_t frames;
    uint64_t pings_sent;
    uint64_t pings_rejected;
    uint64_t pings_handled;
    uint64_t pongs_sent;
    uint64_t pongs_dropped;
    uint64_t pongs_received;
    uint64_t xruns;
    uint64_t max_callback_ns;
    uint64_t commands_sent;
    uint64_t commands_rejected;
    uint64_t late;
    uint64_t dropped;
    uint64_t unhandled;
    uint64_t events_dropped;
    uint64_t buffers_live;
    uint64_t warnings;
    uint64_t warnings_dropped;

    uint64_t params_set;
    uint64_t params_applied;
    uint64_t commands_handled;
    uint64_t cancelled;

    uint64_t meter_events_dropped;
    uint64_t input_nonfinite;
} engine_stats;

int engine_get_stats(engine *e, engine_stats *out, size_t size);

typedef struct engine_load {
    uint64_t frame;
    uint64_t callbacks;
    double last;
    double average;
    uint32_t active_voices;
    uint32_t reserved;
} engine_load;

int engine_get_load(engine *e, engine_load *out, size_t size);

#define ENGINE_VOICE_PLAYING 1
#define ENGINE_VOICE_LOOPING 2
#define ENGINE_VOICE_SOUNDING 4

typedef struct engine_voice_state {
    uint64_t frame;
    uint64_t position;
    uint32_t buffer;
    uint32_t flags;
    double freq;
    double gain;
    double pan;
} engine_voice_state;

int engine_get_voice_state(engine *e, uint32_t voice, engine_voice_state *out, size_t size);

typedef struct engine_dsp_load {
    double average;
    double peak;
    uint64_t frames;
} engine_dsp_load;

int engine_get_dsp_load(engine *e, engine_dsp_load *out, size_t size);

/* 12. Offline rendering */

int engine_process(engine *e, uint32_t frames);

int engine_render(engine *e, float *out, uint64_t frames);

int engine_render_input(engine *e, float *out, const float *in, uint64_t frames);

/* 13. Devices */

typedef struct engine_device {
    char api[16];
    char name[128];
    uint32_t output_channels;
    uint32_t is_default;
} engine_device;

int engine_list_devices(const char *api, engine_device *out, uint32_t max, uint32_t *count);

#define ENGINE_WARNING_MAX 256

int engine_next_warning(engine *e, char *buf, size_t size);

/* 14. Transport: tempo, beats and the grid (since 1.4) */

typedef struct engine_transport {
    uint64_t frame;
    double beat;
    double bpm;
    uint32_t beats_per_bar;
    uint32_t reserved;
} engine_transport;

int engine_set_tempo(engine *e, double bpm, int64_t at, uint32_t beats_per_bar);

int engine_get_transport(engine *e, engine_transport *out, size_t size);

int engine_beat_at(engine *e, uint64_t frame, double *beat);

int engine_frame_at(engine *e, double beat, uint64_t *frame);

int engine_send_quantized(engine *e, int64_t at, double grid, const engine_message *ms,
                          uint32_t n);

int engine_grid_line(engine *e, int64_t at, double grid, uint64_t *frame);

int engine_metronome(engine *e, int on, double gain_db, uint32_t bus);

int engine_sync_to(engine *e, uint32_t voice, int64_t at);
"""
