/*
** ringengine: a real-time audio engine whose control path is lock-free
** message passing between the caller's threads and the audio thread.
**
** The caller sends commands (pings, voice parameters) into a command ring;
** the audio thread takes them at the start of each block, applies each at
** its frame (also in the middle of a block), renders the voices, and
** answers (pongs) into a reply ring; the caller takes the answers. Neither
** side ever waits for the other: a full ring drops the message, says so,
** and counts it.
**
** The header is in areas, as sqlite3.h is; each area has its types and
** constants beside its functions:
**    1. Version and errors          8. Audio files
**    2. Configuration, life cycle   9. Mixer: buses and meters
**    3. Messages: send and receive 10. Input and recording
**    4. Pings                      11. Inspection
**    5. Voices and parameters      12. Offline rendering
**    6. Playback                   13. Devices
**    7. Sample buffers
** docs/c-api.md follows the same areas (tests/capi/check_docs.py keeps the
** two in agreement).
**
** Conventions, for every function below:
** - Functions that can fail return an int status: ENGINE_OK (0), a positive
**   non-error (ENGINE_EMPTY), or a negative ENGINE_ERR_* code.
** - "Thread: any" means any thread, concurrently with the others, on the same
**   handle, except engine_destroy(), which must be the last call on it.
** - "Non-blocking": returns without waiting for the audio thread, a server
**   or a file; it may wait for another control thread inside a call of the
**   same area for as long as that thread holds the area's lock (a push, a
**   copy), never for the audio thread. "Blocks" says on what.
** - Ownership: the engine owns what it allocates and frees it itself; the
**   caller's arrays and strings are copied before a call returns, and
**   returned strings are static (never free them) unless said otherwise.
** - No function calls back into the caller, prints, or lets a C++ exception
**   escape.
** - The functions called from the audio thread are inside the library; no
**   function here is meant to be called from an audio callback.
** - A struct that may grow says its size: engine_config.size and
**   engine_play_options.size, or a `size` argument (sizeof the struct as the
**   caller knows it: the library fills that many bytes at most). Fields are
**   only ever added at the end; "Since 1.x" marks what a version added
**   (what has no mark is 1.0's).
**
** Special values, one rule for all of them: a special value is all ones in
** the type of the argument or field that carries it, and where one argument
** needs a second, that is all ones less one. Ordinary values (voices,
** buses, buffers, frames, fades) start at 0 and never reach them.
**   in an int64_t:  -1           ENGINE_AT_NEXT (`at`: the next block; as
**                                engine_message.frame, UINT64_MAX),
**                                ENGINE_ALL_VOICES (engine_cancel's voice:
**                                every voice; on the wire the CANCEL flag)
**   in a float or double: -1     ENGINE_QUANTIZE_BAR (a grid: the bar line;
**                                on the wire, QUANTIZE's grid 0)
**   in a uint32_t:  0xffffffff   ENGINE_ANY_VOICE (a voice the library
**                                chooses), ENGINE_BUS_MASTER (the master as
**                                a bus), ENGINE_RECORD_MASTER (the master as
**                                a recording's source), ENGINE_FADE_DEFAULT
**                                (3 ms of fade);
**                   0xfffffffe   ENGINE_BUS_UNCHANGED (the voice's bus as it
**                                is), ENGINE_RECORD_INPUT (the input as a
**                                recording's source)
** So -1 and 0xffffffff are the same kind of value: -1 is what an int64_t
** argument (which also takes 0 .. 2^32 - 1) holds of it, and its low 32
** bits are 0xffffffff. The names and values above are kept for good.
**
** Sources: a meter or a recording takes the sound at a point of the mix,
** its `source`. engine_get_meter() names the point by a kind
** (engine_meter_source: a voice, a bus, the master; an int) and an index;
** engine_record_file() and engine_record_buffer() by one uint32_t: a bus's
** number, ENGINE_RECORD_MASTER or ENGINE_RECORD_INPUT. Either way the
** sound is read after that point's own processing (a voice's gain and pan;
** a bus's EQ, gain, mute and pan; the master's chain).
**
** This header is C99 and also the source of the Python binding's cdef
** (pyffi/gen_cdef.py): keep the declarations free of macros other than
** integer #defines, and declare each type before its first use.
*/
#ifndef RINGENGINE_H
#define RINGENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cdef-begin */

/* ==== 1. Version and errors ============================================== */

/* Version of this header. The major version is the ABI version: a library
** with another major version is not compatible. ENGINE_VERSION_NUMBER is
** MAJOR * 10000 + MINOR * 100 + PATCH; compare it with
** engine_version_number() to detect a header/library mismatch. */
#define ENGINE_VERSION_MAJOR 1
#define ENGINE_VERSION_MINOR 4
#define ENGINE_VERSION_PATCH 0
#define ENGINE_VERSION_NUMBER 10400

typedef enum engine_status {
    ENGINE_OK = 0,               /* success */
    ENGINE_EMPTY = 1,            /* not an error: no message was waiting */
    ENGINE_ERR_INVALID = -1,     /* an argument is NULL, out of range, or the
                                 ** handle is not a live engine */
    ENGINE_ERR_NOMEM = -2,       /* out of memory */
    ENGINE_ERR_FULL = -3,        /* the ring is full: the message was dropped
                                 ** and counted (commands_rejected, and
                                 ** pings_rejected for a ping) */
    ENGINE_ERR_CLOSED = -4,      /* the engine was closed */
    ENGINE_ERR_BACKEND = -5,     /* the audio backend could not be opened or
                                 ** started (see engine_last_error()), or it
                                 ** stopped (see engine_get_state()); also a
                                 ** recording's file that cannot be opened */
    ENGINE_ERR_NO_DEVICE = -6,   /* no such output device (or the name is
                                 ** ambiguous); see engine_last_error() */
    ENGINE_ERR_BUSY = -7,        /* another thread is inside engine_process()
                                 ** or engine_render() */
    ENGINE_ERR_TIMEOUT = -8,     /* nothing arrived in time */
    ENGINE_ERR_UNSUPPORTED = -9, /* not possible with this engine's backend,
                                 ** or with this build (engine_features()) */
    ENGINE_ERR_INTERNAL = -10,   /* a bug in ringengine; please report it */
    ENGINE_ERR_TABLE_FULL = -11, /* a table of the engine is full, not a
                                 ** ring: the buffer table (since 1.1; 1.0
                                 ** said ENGINE_ERR_FULL): engine_config.buffers
                                 ** buffers are open, or as many closed ones
                                 ** are still being let go of, or after about
                                 ** 2^32 loads no id is left; or the
                                 ** recordings' table: 32 recordings are held
                                 ** (since 1.3) */
    ENGINE_ERR_NOT_FOUND = -12,  /* no file at that path (since 1.1) */
    ENGINE_ERR_DECODE = -13,     /* the file could not be read or decoded:
                                 ** engine_last_error() names the path and
                                 ** the decoder's reason (since 1.1) */
    ENGINE_ERR_CANCELLED = -14   /* the load was cancelled (since 1.1) */
} engine_status;

/* ENGINE_VERSION_NUMBER of the library actually loaded.
** Thread: any. Non-blocking. */
unsigned int engine_version_number(void);

/* "MAJOR.MINOR.PATCH" of the library actually loaded. Static; never free.
** Thread: any. Non-blocking. */
const char *engine_version_string(void);

/* A one-line description of a status code. Static; never free. Unknown codes
** give "unknown status". Thread: any. Non-blocking. */
const char *engine_strerror(int status);

/* Details of the calling thread's last call that failed: engine_create(),
** engine_send() and its wrappers (which argument of a command is out of
** range), a buffer, file or recording call (naming the path), process and
** render, a bad handle or a closed engine; or what each audio API answered
** to its last engine_list_devices(). "" if none. engine_create() and
** engine_list_devices() clear it first; other calls that succeed leave it.
** Valid until the calling thread's next call of one of those.
** Thread: any (the text is the calling thread's own). Non-blocking. */
const char *engine_last_error(void);

/* What this build of the library can do: engine_features()'s bits. */
#define ENGINE_FEATURE_FILES 1   /* engine_load_file(): libsndfile and libsoxr */
#define ENGINE_FEATURE_KEYLOCK 2 /* key lock: Rubber Band (GPL-2+) */

/* ENGINE_FEATURE_* bits of what this build can do (since 1.3).
** Thread: any. Non-blocking. */
unsigned int engine_features(void);

/* Does nothing and returns ENGINE_OK: the floor cost of any call into the
** library, for benchmarks of bindings. Thread: any. Non-blocking. */
int engine_nop(void);

/* ==== 2. Configuration and life cycle ===================================== */

/* Ring capacity, in messages: the default, and the largest accepted (also
** for engine_config.schedule). The other defaults: engine_config_init(). */
#define ENGINE_DEFAULT_CAPACITY 1024
#define ENGINE_MAX_CAPACITY 1048576
#define ENGINE_MAX_VOICES 4096

/* An engine: both rings, the counters and the running backend. Opaque. */
typedef struct engine engine;

typedef enum engine_backend {
    ENGINE_BACKEND_AUTO = 0,    /* the first server that opens: JACK,
                                ** PulseAudio, ALSA; else null */
    ENGINE_BACKEND_RTAUDIO = 1, /* an RtAudio stream: ALSA ("alsa"), or
                                ** RtAudio's own PulseAudio code ("pulse") */
    ENGINE_BACKEND_NULL = 2,    /* a thread paced by the clock, no device */
    ENGINE_BACKEND_OFFLINE = 3, /* no thread: the caller runs the blocks with
                                ** engine_process() or engine_render() */
    ENGINE_BACKEND_JACK = 4,    /* a JACK client (jackd, or PipeWire-JACK) */
    ENGINE_BACKEND_PULSE = 5    /* a PulseAudio stream at block latency
                                ** (PulseAudio, or PipeWire-Pulse) */
} engine_backend;

/* "auto", "rtaudio", "null", "offline", "jack", "pulse", or "unknown".
** Static; never free. Thread: any. Non-blocking. */
const char *engine_backend_name(int backend);

/* How to create an engine. Fill it with engine_config_init_size(&c,
** sizeof c), then change fields. `size` is how much of the struct the
** caller has: a library adds fields at the end, and takes a config of any
** earlier version's size (engine_create() lists them), with defaults for
** the fields it lacks. */
typedef struct engine_config {
    uint32_t size;         /* sizeof(engine_config) as the caller knows it
                           ** (one of the sizes engine_create() takes); set
                           ** by engine_config_init_size */
    uint32_t backend;      /* engine_backend; default ENGINE_BACKEND_AUTO */
    uint32_t capacity;     /* messages per ring, 1..ENGINE_MAX_CAPACITY;
                           ** default ENGINE_DEFAULT_CAPACITY */
    uint32_t sample_rate;  /* Hz, 1000..768000; default 48000 */
    uint32_t block_frames; /* frames per block asked of the backend,
                           ** 1..65536; default 256 */
    uint32_t channels;     /* output channels, 1..64; default 2 */
    const char *device;    /* output device name or unique substring, or NULL
                           ** for the default; copied by engine_create.
                           ** Refused with the null and offline backends,
                           ** which have no devices */
    const char *api;       /* ENGINE_BACKEND_AUTO: "jack", "pulse" or
                           ** "alsa", the one server API to try;
                           ** ENGINE_BACKEND_RTAUDIO: "alsa" (the default)
                           ** or "pulse". NULL: the environment variable
                           ** RINGENGINE_API, and when that is unset, each
                           ** in that order (auto). Refused with the other
                           ** backends */
    /* Since 1.0: */
    uint32_t voices;       /* voices in the pool, 0..ENGINE_MAX_VOICES;
                           ** default 32 */
    uint32_t schedule;     /* commands for later frames the audio thread
                           ** can hold, 1..ENGINE_MAX_CAPACITY; default 1024;
                           ** more are dropped and counted in `dropped` */
    uint32_t buffers;      /* sample buffers loaded at once, 1..65536;
                           ** default 256 */
    /* Since 1.1 (a caller built against 1.0 passes ENGINE_CONFIG_SIZE_1_0
    ** and gets the defaults of these): */
    uint32_t messages_per_block; /* messages the audio thread takes per
                           ** block from each path (the command ring, the
                           ** parameter path), at least 1; the rest wait for
                           ** the next block, none is dropped. Default 1024 */
    uint32_t reply_capacity; /* replies the reply ring holds,
                           ** 0..ENGINE_MAX_CAPACITY; 0 (the default): as
                           ** many as `capacity` */
    uint64_t max_load_bytes; /* the largest buffer engine_load_file() makes,
                           ** in bytes of decoded float samples; a larger
                           ** file is refused (ENGINE_ERR_NOMEM). Default
                           ** 2 GiB; 0: no limit */
    /* Since 1.2 (a caller built against 1.1 passes ENGINE_CONFIG_SIZE_1_1): */
    uint32_t buses;        /* buses between the voices and the master,
                           ** 1..64; default 8. Voices play into bus 0 until
                           ** told otherwise (ENGINE_PARAM_BUS) */
    uint32_t meter_ms;     /* the meters' window in ms, 0..10000; default
                           ** 50; 0: no meters (and nothing they cost) */
    uint32_t meter_events_hz; /* ENGINE_MSG_METER events a second, 0..1000;
                           ** default 0 (none); needs meter_ms */
    uint32_t pan_law;      /* engine_pan_law (area 9); default
                           ** ENGINE_PAN_BALANCE */
    /* Since 1.3 (a caller built against 1.2 passes ENGINE_CONFIG_SIZE_1_2): */
    uint32_t keylock_voices; /* voices 0 .. keylock_voices - 1 may key-lock:
                           ** a stretcher each, made when the engine is
                           ** created (about 0.2 s apiece); 0 .. voices,
                           ** default 0; ENGINE_ERR_INVALID when the build
                           ** has no key lock (engine_features()) */
    uint32_t inputs;       /* input channels, 0..64; default 0 (none). JACK:
                           ** input ports; PulseAudio: a record stream; RtAudio:
                           ** a duplex stream; null: silence; offline: the
                           ** caller's (engine_render_input). Not heard unless
                           ** a bus takes it (ENGINE_BUS_PARAM_INPUT_DB) */
} engine_config;

/* engine_config's size in 1.0 (56 bytes). Its last 4 bytes were padding,
** where 1.1 has messages_per_block: of a config of this size,
** engine_create() reads the fields up to `buffers` and takes the defaults
** of the rest. */
#define ENGINE_CONFIG_SIZE_1_0 56
/* engine_config's size in 1.1 (72 bytes): the fields up to max_load_bytes. */
#define ENGINE_CONFIG_SIZE_1_1 72
/* engine_config's size in 1.2 (88 bytes): the fields up to pan_law. This
** header's sizeof(engine_config), 1.3's, is 96 bytes: up to inputs. */
#define ENGINE_CONFIG_SIZE_1_2 88

/* Fills the 1.0 fields of *config (up to `buffers`, within
** ENGINE_CONFIG_SIZE_1_0 bytes) with the defaults and sets config->size to
** ENGINE_CONFIG_SIZE_1_0. NULL is a no-op. Thread: any. Non-blocking. */
void engine_config_init(engine_config *config);

/* Fills the first `size` bytes of *config (size: sizeof(engine_config) as
** the caller knows it, at least ENGINE_CONFIG_SIZE_1_0) with the defaults,
** and sets config->size to the size filled: at most this library's
** sizeof(engine_config). engine_config_init() is the 1.0 form: it fills
** ENGINE_CONFIG_SIZE_1_0 bytes, so a program built against 1.0 keeps
** working, and a config it fills leaves the fields since 1.1 at their
** defaults whatever they hold. A size between two of the sizes
** engine_create() takes makes a config it refuses. Since 1.1. NULL, or a
** smaller size, is a no-op. Thread: any. Non-blocking. */
void engine_config_init_size(engine_config *config, size_t size);

/* Creates an engine: allocates both rings, opens the backend and starts the
** audio. config may be NULL for the defaults. config->size must be one of
** the sizes engine_config has had:
**   ENGINE_CONFIG_SIZE_1_0 (56), ENGINE_CONFIG_SIZE_1_1 (72),
**   ENGINE_CONFIG_SIZE_1_2 (88), or this header's
**   sizeof(engine_config) (96 in 1.3);
** the fields past it get their defaults. On success *out is the new handle,
** owned by the caller until engine_destroy(); on failure *out is NULL and
** engine_last_error() says why.
** Thread: any. Blocks while the audio backend opens (up to seconds).
** Returns ENGINE_OK, ENGINE_ERR_INVALID (out NULL, config->size not one of
** those, a field out of range, `device` for null or offline, `api` for a
** backend other than auto and rtaudio), ENGINE_ERR_NOMEM,
** ENGINE_ERR_NO_DEVICE, ENGINE_ERR_BACKEND, ENGINE_ERR_INTERNAL. */
int engine_create(const engine_config *config, engine **out);

/* Stops the audio and marks the engine closed: every later call on it but
** engine_close() and engine_destroy() returns ENGINE_ERR_CLOSED. The handle
** stays valid until engine_destroy(). Closing twice is harmless. The
** stream stops at once: what the server has not yet played (up to the
** latency engine_get_info() gives) is dropped.
** Thread: any, also while other threads are inside calls on this engine.
** Blocks until the audio thread has left its current block, and at most
** about 2 s for a JACK server that does not answer.
** Returns ENGINE_OK, ENGINE_ERR_INVALID. */
int engine_close(engine *e);

/* Closes the engine if open, then frees it and whatever it still holds
** (buffers, recordings, loads nobody took). NULL is a no-op. No other call
** on this engine may be running or follow: the handle is freed memory then,
** and a call given it reads that memory (undefined behaviour, as with
** free()); it is not detected. To keep a handle that answers
** ENGINE_ERR_CLOSED, call engine_close() and destroy it later.
** Thread: any. Blocks like engine_close(). */
void engine_destroy(engine *e);

typedef enum engine_state {
    ENGINE_STATE_RUNNING = 0, /* the backend calls the engine each block */
    ENGINE_STATE_STOPPED = 1, /* the backend stopped by itself, e.g. the audio
                              ** server went away; create a new engine */
    ENGINE_STATE_CLOSED = 2   /* engine_close() was called */
} engine_state;

/* The engine's state, an engine_state; when `reason` is not NULL, why it
** stopped (or "") is copied there, truncated to reason_size bytes with the
** NUL. Also valid on a closed engine.
** Thread: any. Non-blocking. Returns an engine_state, or ENGINE_ERR_INVALID. */
int engine_get_state(engine *e, char *reason, size_t reason_size);

/* Sizes of the fixed text buffers in engine_info (the device's name also
** in engine_device). */
#define ENGINE_DEVICE_NAME_MAX 128
#define ENGINE_NOTE_MAX 256

/* What engine_create opened. */
typedef struct engine_info {
    uint32_t backend;      /* engine_backend in use; never ENGINE_BACKEND_AUTO */
    uint32_t capacity;     /* messages per ring */
    uint32_t sample_rate;  /* Hz */
    uint32_t block_frames; /* frames per block granted by the backend */
    uint32_t channels;
    char device[128];      /* ENGINE_DEVICE_NAME_MAX: device in use,
                           ** NUL-terminated, truncated if longer */
    char note[256];        /* ENGINE_NOTE_MAX: why `auto` chose this backend,
                           ** or "" */
    uint32_t voices;
    uint32_t latency_frames; /* the output latency the backend reports, in
                             ** frames: jack, the playback port's latency;
                             ** pulse, the server's buffer length for the
                             ** stream; rtaudio, RtAudio's stream latency;
                             ** null and offline, 0 */
    /* Since 1.1: */
    uint32_t reply_capacity;     /* replies the reply ring holds */
    uint32_t messages_per_block; /* as engine_config */
    uint32_t buffers;            /* as engine_config */
    /* Since 1.3: */
    uint32_t inputs;             /* as engine_config */
    uint32_t input_latency_frames; /* the input latency the backend reports:
                             ** jack, the capture port's latency; pulse, the
                             ** depth of the FIFO between the record and
                             ** the playback stream; rtaudio, a period; 0
                             ** otherwise. With latency_frames, the round
                             ** trip a looper shifts its takes by */
} engine_info;

/* What engine_create opened, `size` bytes at most.
** Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_get_info(engine *e, engine_info *out, size_t size);

/* ==== 3. Messages: the generic send and receive =========================== */

/* A command's `at`: the start of the next block, not a frame (a special
** value: see the top of this header). As engine_message.frame it is the
** same bits: UINT64_MAX. */
enum { ENGINE_AT_NEXT = -1 };

/* The kinds of engine_message. Commands go to the audio thread; replies
** come back. The library describes each, with the names of its fields and
** the members that carry them: engine_describe_kind(). A reply of a kind a
** caller does not know is still a whole engine_message: skip it, or show
** it by its description. engine/messages/messages.def is the one table
** these numbers and fields come from; engine_message's member notes say
** the same by member. */
typedef enum engine_message_kind {
    ENGINE_MSG_NONE = 0,
    ENGINE_MSG_PING = 1,      /* command: id = sequence number (set by the
                              ** library), frame = when to answer */
    ENGINE_MSG_PONG = 2,      /* reply: id = the ping's sequence number,
                              ** frame = the engine position it was answered */
    ENGINE_MSG_SET_PARAM = 3, /* command: id = voice, param = engine_param,
                              ** value, frame = when, arg = frames to move
                              ** there linearly */
    ENGINE_MSG_PLAY = 4,      /* command: id = voice, arg = buffer, param =
                              ** ENGINE_PLAY_* flags, frame = when, value =
                              ** frames a play under way fades out over
                              ** (since 1.3; 0 cuts) */
    ENGINE_MSG_STOP = 5,      /* command: id = voice, frame = when, arg =
                              ** frames to fade out over (since 1.3; 0 cuts,
                              ** at most 2^24) */
    ENGINE_MSG_BUFFER_CLOSE = 6, /* reserved: engine_send() refuses it; a
                              ** close goes by the engine's hand-off
                              ** (engine_buffer_close()) */
    ENGINE_MSG_VOICE_ENDED = 7,  /* event: id = voice, frame = just past the
                              ** last sample it played of its buffer (at its
                              ** end, engine_stop, a new play, a freq, or the
                              ** buffer's close; a play that a new play with
                              ** a fade replaced ends where that fade or its
                              ** buffer ends): one per play */
    ENGINE_MSG_BUFFER_RELEASED = 8, /* event: arg = buffer, frame = when the
                              ** audio thread let go of it */
    ENGINE_MSG_EVENTS_LOST = 9, /* event (since 1.1): id = how many replies a
                              ** full reply ring dropped since the last
                              ** EVENTS_LOST (saturating at 2^32 - 1), frame
                              ** = the position. It comes before the next
                              ** reply that fits, so a reader always learns
                              ** that some were lost */
    ENGINE_MSG_CANCEL = 10,   /* command (since 1.1): takes back the commands
                              ** waiting in the schedule, from frame = when:
                              ** param = ENGINE_CANCEL_ALL_VOICES for every
                              ** voice's, else id = the voice's */
    ENGINE_MSG_SET_BUS = 11,  /* command (since 1.2): id = bus (or
                              ** ENGINE_BUS_MASTER), param = engine_bus_param,
                              ** value, frame = when, arg = ramp frames */
    ENGINE_MSG_METER = 12,    /* event (since 1.2), meter_events_hz times a
                              ** second: param = ENGINE_METER_VOICE, _BUS or
                              ** _MASTER, id = its number, frame = the
                              ** position, value = the loudest peak of its
                              ** last window over the channels (linear), arg
                              ** = samples past full scale so far. Sent only
                              ** while the reply ring is less than half full */
    ENGINE_MSG_SET_VOICE = 13, /* command (since 1.3): id = voice, param =
                              ** engine_voice_setting, arg = its frames
                              ** (PLAY_BPM: value = the clip's tempo),
                              ** frame = when */
    ENGINE_MSG_SET_SPEED = 14, /* command (since 1.3): value = the engine's
                              ** speed, frame = when, arg = ramp frames */
    ENGINE_MSG_RECORD_ENDED = 15, /* event (since 1.3): recording `id` ended on
                              ** the audio thread in the block ending at
                              ** `frame` (not its start + frames: its last
                              ** frame may be up to a block earlier); param
                              ** = why (engine_record_end), arg = frames
                              ** taken (saturates). The file may still be being
                              ** finished: engine_get_record_status() says
                              ** when it is done, and the error's text */
    ENGINE_MSG_QUANTIZE = 16, /* command (since 1.4): the next `arg` commands
                              ** (1 .. 64; their own frames ignored) apply
                              ** at the first line of a grid of `value`
                              ** beats (1/64 .. 1024; 0: the bar) at or
                              ** after `frame` (ENGINE_AT_NEXT: the block
                              ** they arrive in), all at one frame or none
                              ** (engine_send_quantized() sends them) */
    ENGINE_MSG_SET_TEMPO = 17, /* command (since 1.4): value = beats per
                              ** minute (1 .. 999), arg = beats per bar (1 ..
                              ** 64; 0: as it is), frame = when */
    ENGINE_MSG_METRONOME = 18, /* command (since 1.4): param = 1 on, 0 off; id
                              ** = the bus it sounds in (or
                              ** ENGINE_BUS_MASTER); value = its gain,
                              ** linear, 0 .. 16; frame = when */
    ENGINE_MSG_SYNC_TO = 19,  /* command (since 1.4): id = voice, frame =
                              ** when: the downbeat moves to where the
                              ** voice's loop starts */
    ENGINE_MSG_SET_LOOP = 20  /* command (since 1.4): param = voice, id =
                              ** loop_start, arg = loop_end (0: the
                              ** buffer's end), value = crossfade frames
                              ** (whole, 0 .. 2^24), frame = when: the loop
                              ** of the voice's play under way, both ends at
                              ** once (engine_set_loop() sends it) */
} engine_message_kind;

/* One message, 24 bytes, the very bytes that cross the rings (a ring slot
** with its stamp is 32 bytes). Each member's note names every kind that
** uses it; a kind not named leaves the member 0. */
typedef struct engine_message {
    uint16_t kind;  /* engine_message_kind */
    uint16_t param; /* SET_PARAM: engine_param; PLAY: ENGINE_PLAY_* flags;
                    ** CANCEL: ENGINE_CANCEL_ALL_VOICES or 0; SET_BUS:
                    ** engine_bus_param; METER: engine_meter_source;
                    ** SET_VOICE: engine_voice_setting; RECORD_ENDED:
                    ** engine_record_end; METRONOME: 1 on, 0 off;
                    ** SET_LOOP: the voice, 0 .. voices - 1 */
    uint32_t id;    /* PING, PONG: sequence number (wraps modulo 2^32);
                    ** SET_PARAM, PLAY, STOP, CANCEL, SET_VOICE, SYNC_TO,
                    ** VOICE_ENDED: the voice, 0 .. voices - 1 (CANCEL with
                    ** ENGINE_CANCEL_ALL_VOICES: 0); SET_BUS: the bus, or
                    ** ENGINE_BUS_MASTER; METER: the voice's or the bus's
                    ** number (0 for the master); EVENTS_LOST: how many
                    ** replies were dropped; RECORD_ENDED: the recording;
                    ** METRONOME: its bus, or ENGINE_BUS_MASTER;
                    ** SET_LOOP: the loop's first frame */
    uint64_t frame; /* commands (PING, SET_PARAM, PLAY, STOP, CANCEL,
                    ** SET_BUS, SET_VOICE, SET_SPEED, SET_TEMPO, METRONOME,
                    ** SYNC_TO, SET_LOOP; QUANTIZE: the grid's first frame): the engine frame they
                    ** take effect at, or (uint64_t)ENGINE_AT_NEXT; replies
                    ** (PONG, VOICE_ENDED, BUFFER_RELEASED, EVENTS_LOST,
                    ** METER, RECORD_ENDED): an engine frame */
    float value;    /* SET_PARAM, SET_BUS: the new value; SET_SPEED: the
                    ** speed; SET_TEMPO: beats per minute; METRONOME: its
                    ** gain, linear; QUANTIZE: the grid in beats (0: the
                    ** bar); PLAY: the frames a play under way fades out
                    ** over, a whole number 0 .. 2^24 (0: cut); SET_VOICE
                    ** with ENGINE_VOICE_PLAY_BPM: the clip's tempo, 1 ..
                    ** 999 (0: not locked); METER: the loudest peak, linear;
                    ** SET_LOOP: the crossfade's frames, a whole number 0 ..
                    ** 2^24 */
    uint32_t arg;   /* SET_PARAM, SET_BUS, SET_SPEED: frames over which the
                    ** value moves linearly from where it is to `value`
                    ** (0: at once); SET_TEMPO: beats per bar (0: as it
                    ** is); QUANTIZE: how many commands follow in its group; PLAY, BUFFER_RELEASED: the buffer's id;
                    ** STOP: fade frames, 0 .. 2^24 (0: cut); SET_VOICE: the
                    ** setting's frames (or 0/1); METER: clips so far;
                    ** RECORD_ENDED: frames taken (METER and RECORD_ENDED
                    ** saturate at 2^32 - 1); SET_LOOP: the loop's end
                    ** (0: the buffer's end) */
} engine_message;

/* What an engine_message_kind is, as engine_describe_kind() tells it. */
typedef enum engine_direction {
    ENGINE_DIRECTION_COMMAND = 0,  /* caller -> audio thread: engine_send() */
    ENGINE_DIRECTION_REPLY = 1,    /* audio thread -> caller */
    ENGINE_DIRECTION_RESERVED = 2  /* a kind engine_send() refuses */
} engine_direction;

/* The most fields a kind has: each member of engine_message at most once. */
#define ENGINE_MAX_FIELDS 5

/* One kind of message, as the library's table describes it. */
typedef struct engine_kind_info {
    uint32_t kind;        /* engine_message_kind */
    uint32_t direction;   /* engine_direction */
    const char *name;     /* "set_param"; static */
    uint32_t field_count; /* fields the kind has, 0..ENGINE_MAX_FIELDS */
    /* Field i is called field_names[i] and carried by the member of
    ** engine_message called field_members[i] ("param", "id", "frame",
    ** "value" or "arg"); members a kind does not name are 0. Static. */
    const char *field_names[ENGINE_MAX_FIELDS];
    const char *field_members[ENGINE_MAX_FIELDS];
} engine_kind_info;

/* Describes message kind `kind` (0..65535) from the library's table into
** *out, `size` bytes at most (sizeof(engine_kind_info)); a binding builds
** its reply types from this rather than from a copy of its own.
** Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (no such kind, ENGINE_MSG_NONE
** included; out NULL, size 0). */
int engine_describe_kind(int kind, engine_kind_info *out, size_t size);

/* Pushes one command of any kind, *m copied. It takes every command kind;
** the functions of areas 4 to 9 that send commands fill an engine_message
** and send it through here (engine_send_ping() and engine_send_pings() push
** pings onto the same ring with fewer steps), while
** engine_set_param_latest() writes the parameter path, beside the ring.
** A command whose frame has passed when the audio thread takes it is
** applied at the start of that block and counted in `late`; one for a later
** frame waits in the audio thread's schedule, or is dropped and counted in
** `dropped` when that is full.
** Thread: any; concurrent senders are serialized by a lock that the audio
** thread never takes, so they may wait for one another for the length of a
** push, and never for the audio thread. Non-blocking otherwise (a PLAY also
** waits for a buffer call, for its check).
** Returns, for ENGINE_MSG_PING, its sequence number (0 to 2^32 - 1; pings
** are numbered by the library, m->id is ignored; numbers start at 0 and
** count accepted pings only); for other kinds 0; or a negative status:
** ENGINE_ERR_FULL (the command was dropped and counted in
** commands_rejected), ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (m NULL, not a
** command kind or a reserved one, a voice, parameter or value out of range,
** NaN, a play of a buffer not loaded or closed; engine_last_error() says
** which). */
int64_t engine_send(engine *e, const engine_message *m);

/* The receiving side. Thread: any; concurrent receivers are serialized like
** senders, and each reply is delivered to exactly one caller, in ring
** order. A receive also frees the buffers the audio thread let go of, when
** no other buffer call is under way. */

/* Takes one reply into *out, if one is waiting. Non-blocking.
** Returns ENGINE_OK, ENGINE_EMPTY (*out untouched), ENGINE_ERR_CLOSED,
** ENGINE_ERR_INVALID. */
int engine_try_recv(engine *e, engine_message *out);

/* Takes up to `max` waiting replies into out[0..max); *count says how many.
** Non-blocking.
** Returns ENGINE_OK (also when none was waiting: *count is 0),
** ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_recv_many(engine *e, engine_message *out, uint32_t max, uint32_t *count);

/* Waits up to timeout_us microseconds for a reply and takes it into *out.
** Blocks: sleeps between polls of the ring (50 us at first, growing to
** 500 us), so a long wait uses a few percent of a core, and it returns
** within about 0.6 ms of a reply's arrival.
** Returns ENGINE_OK, ENGINE_ERR_TIMEOUT, ENGINE_ERR_CLOSED (also when the
** engine is closed while waiting), ENGINE_ERR_BACKEND (the backend stopped
** by itself: no reply will come; see engine_get_state), ENGINE_ERR_INVALID. */
int engine_recv(engine *e, engine_message *out, uint32_t timeout_us);

/* Since 1.3. A file descriptor that is readable while replies wait, for an
** event loop to wait on without polling (poll/select/epoll, asyncio's
** loop.add_reader, Qt's QSocketNotifier, Tk's createfilehandler). When it
** is readable, take the replies (engine_try_recv/engine_recv_many until
** ENGINE_EMPTY); it stops being readable within about 1 ms of the last
** reply taken, so a loop may wake once more and find none. Level-triggered:
** never read from it or write to it. Every reply kind makes it readable
** (pongs, voice_ended, buffer_released, meter and record events). The audio
** thread makes no system call for it: the first call starts a watcher
** thread that looks at the reply ring's fill every millisecond, never
** waiting for a receiver (a reply is seen within about 1 ms;
** an idle engine costs 1000 wake-ups a second) and raises or lowers an
** eventfd. Later calls return the same descriptor. engine_close() ends the
** watcher and leaves the descriptor readable (a receive then says
** ENGINE_ERR_CLOSED); engine_destroy() closes it: take it out of the event
** loop before. The caller never closes it.
** Thread: any. Non-blocking (the first call starts a thread).
** Returns the descriptor (>= 0), or ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID,
** ENGINE_ERR_NOMEM (no descriptor or thread to be had: the reason in
** engine_last_error()), ENGINE_ERR_INTERNAL. */
int engine_fileno(engine *e);

/* ==== 4. Pings ============================================================ */
/* A ping is answered with a pong (ENGINE_MSG_PONG) at the start of the next
** block: the round trip through both rings. Thread: any; as engine_send(). */

/* Sends a ping to be answered at the start of the next block (its frame is
** ENGINE_AT_NEXT, so it is never `late`); returns as engine_send(): its
** sequence number, or ENGINE_ERR_FULL, ENGINE_ERR_CLOSED,
** ENGINE_ERR_INVALID. */
int64_t engine_send_ping(engine *e);

/* Pushes up to `count` pings with consecutive sequence numbers from
** *first_seq; *sent says how many went in (both may be NULL). The rest are
** dropped and counted.
** Returns ENGINE_OK when all went in, ENGINE_ERR_FULL when some did not,
** ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_send_pings(engine *e, uint32_t count, uint32_t *first_seq, uint32_t *sent);

/* ==== 5. Voices and their parameters ====================================== */
/* Each engine has a pool of engine_config.voices voices, allocated at
** create. A voice is a chain: its source (a sine, or a buffer while one
** plays: area 6), its gain, its pan, into its bus (area 9). */

/* The parameters of a voice. engine_param_name() gives their names. */
typedef enum engine_param {
    ENGINE_PARAM_FREQ = 0,  /* Hz, 0 .. sample_rate / 2; default 0 (silent) */
    ENGINE_PARAM_GAIN = 1,  /* linear, 0 .. 16; default 1 */
    ENGINE_PARAM_PAN = 2,   /* -1 (left) .. +1 (right); default 0 */
    ENGINE_PARAM_GAIN_DB = 3, /* since 1.2: the gain in dB, -inf .. +24.08
                            ** (16); sets GAIN, ramped in linear gain */
    ENGINE_PARAM_BUS = 4,   /* since 1.2: the bus the voice plays into,
                            ** 0 .. buses - 1, a whole number; default 0;
                            ** no ramp (a voice moves at one frame) */
    ENGINE_PARAM_RATE = 5,  /* since 1.3: a buffer's playback rate, -16 ..
                            ** 16: 1 its own speed (bit for bit), 2 an
                            ** octave up, negative backwards, 0 holds; read
                            ** with cubic interpolation; times the engine's
                            ** speed; default 1. A key-locked play takes it
                            ** as its tempo, 0.25 .. 4, at each chunk */
    ENGINE_PARAM_PITCH = 6  /* since 1.3: a key-locked play's pitch shift,
                            ** semitones -12 .. 12; default 0 */
} engine_param;

/* The name of engine_param `param`: "freq", "gain", "pan", "gain_db",
** "bus", "rate" or "pitch", or "unknown" (since 1.1). Static; never free.
** Thread: any. Non-blocking. */
const char *engine_param_name(int param);

/* Sets a voice's parameter at engine frame `at` (exactly that output
** sample, also in the middle of a block), or with ENGINE_AT_NEXT (any
** negative `at`) at the start of the next block. The value moves there
** linearly over `ramp` frames from `at` (0: at once). Sends
** ENGINE_MSG_SET_PARAM. Thread: any; as engine_send().
** Returns ENGINE_OK or a status as engine_send(). */
int engine_set_param(engine *e, uint32_t voice, int param, double value, int64_t at,
                     uint32_t ramp);

/* Sets a voice's parameter through the parameter path (since 1.1), beside
** the command ring: for a knob that turns. Each (voice, parameter) has one
** slot, where the latest value written wins; at the start of the next
** block, after that block's commands, the audio thread takes what changed
** (at most engine_config.messages_per_block slots a block) and the value
** moves there over `ramp` frames. It never fills the command ring, so
** triggers sent meanwhile keep their room and their order; for an exact
** frame, use engine_set_param(). A value the audio thread never took is
** replaced by the next.
** A value written as the audio thread takes its slot is applied once, not
** twice. `ramp` is at most 16777215 frames here.
** Thread: any; concurrent writers are serialized by the path's own lock,
** which the audio thread never takes. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (as
** engine_set_param(), or a longer ramp; engine_last_error() says which).
** Never ENGINE_ERR_FULL. */
int engine_set_param_latest(engine *e, uint32_t voice, int param, double value,
                            uint32_t ramp);

/* ==== 6. Playback ========================================================= */
/* A voice plays a buffer (area 7) instead of its sine, with its gain, pan
** and rate, from an exact frame. Every function here sends commands
** (ENGINE_MSG_PLAY, STOP, SET_VOICE, CANCEL, SET_SPEED, and SET_PARAM for a
** play's bus) through engine_send(). Thread: any; as engine_send(). */

/* ENGINE_MSG_PLAY's param: its flags. Its value (since 1.3): the frames,
** a whole number 0 .. 2^24, over which a play under way on the voice fades
** out (0: it is cut, as before 1.3). */
#define ENGINE_PLAY_LOOP 1
#define ENGINE_PLAY_FADE_IN 2 /* since 1.3: the play fades in over the fade */
#define ENGINE_PLAY_KEYLOCK 4 /* since 1.3: the play keeps its pitch while its
                              ** rate changes (voices below keylock_voices) */

/* A fade's frames meaning "the default": 3 ms at the engine's rate. A
** special value (see the top of this header). */
#define ENGINE_FADE_DEFAULT 0xffffffffu
/* engine_play_options.voice: the library chooses one (a free voice, else
** the one whose play began longest ago, faded out). A special value. */
#define ENGINE_ANY_VOICE 0xffffffffu
/* engine_play_options.bus: the voice's bus as it is. A special value. */
#define ENGINE_BUS_UNCHANGED 0xfffffffeu

/* What ENGINE_MSG_SET_VOICE sets (since 1.3), in frames of the buffer. The
** PLAY_ settings are for the voice's next play, sent just before it at its
** frame, and go back to their defaults once it takes them; the others move
** the play under way, one at a time (engine_set_loop() moves both ends at
** once, as ENGINE_MSG_SET_LOOP, since 1.4). engine_play_with() sends the
** PLAY_ ones. */
typedef enum engine_voice_setting {
    ENGINE_VOICE_PLAY_START = 0,      /* where the play starts; default 0 */
    ENGINE_VOICE_PLAY_LOOP_START = 1, /* its loop's region [start, end); */
    ENGINE_VOICE_PLAY_LOOP_END = 2,   /*   default the whole buffer (end 0) */
    ENGINE_VOICE_PLAY_CROSSFADE = 3,  /* frames crossfaded at the seam; 0 */
    ENGINE_VOICE_LOOP_START = 4,      /* the region of the play under way */
    ENGINE_VOICE_LOOP_END = 5,
    ENGINE_VOICE_CROSSFADE = 6,
    ENGINE_VOICE_PLAY_BPM = 7         /* since 1.4: the next play is locked to
                                      ** the tempo, its clip at this tempo, carried
                                      ** in engine_message.value (a float; 0: not
                                      ** locked); engine_play_with() sends it */
} engine_voice_setting;

/* What engine_play_with() plays (since 1.3); engine_play_options_init_size()
** fills the defaults. */
typedef struct engine_play_options {
    uint32_t size;       /* ENGINE_PLAY_OPTIONS_SIZE_1_3, or
                         ** sizeof(engine_play_options) (since 1.4) */
    uint32_t voice;      /* 0 .. voices - 1, or ENGINE_ANY_VOICE (the default) */
    uint32_t buffer;     /* the buffer's id */
    uint32_t loop;       /* 1: loop over the region; default 0 */
    int64_t at;          /* the frame, or ENGINE_AT_NEXT (the default) */
    uint64_t start;      /* the buffer's frame the play starts at; default 0 */
    uint64_t loop_start; /* the loop's region [loop_start, loop_end); */
    uint64_t loop_end;   /*   default 0 and 0: the whole buffer */
    uint32_t crossfade;  /* frames crossfaded at the loop's seam; default 0 */
    uint32_t fade;       /* frames a play under way on the voice fades out
                         ** over; default ENGINE_FADE_DEFAULT; 0 cuts */
    uint32_t fade_in;    /* 1: this play fades in over `fade`; default 0 */
    uint32_t bus;        /* the bus the voice plays into from this play on,
                         ** or ENGINE_BUS_UNCHANGED (the default) */
    uint32_t keylock;    /* 1: keep the pitch while the rate changes, through
                         ** Rubber Band (voices 0 .. keylock_voices - 1); its
                         ** sound starts the stretcher's latency (2048 frames
                         ** at 48 kHz, less at a higher pitch) after the play
                         ** is carried out: given `at` or `quantize` (since
                         ** 1.4), it and the voice's commands for its frame
                         ** are carried out that much early, so that its
                         ** sound starts on its frame (sent too late for
                         ** that: at once, counted late); default 0 */
    float quantize;      /* since 1.4 (before, reserved and 0): > 0, the play
                         ** starts on the first line of a grid of this many
                         ** beats at or after `at` (see
                         ** engine_send_quantized()); ENGINE_QUANTIZE_BAR:
                         ** the bar line; 0 (the default): at `at` */
    /* Since 1.4 (a caller built against 1.3 passes ENGINE_PLAY_OPTIONS_SIZE_1_3
    ** and the play is not locked): */
    float bpm;           /* > 0: the play is locked to the transport's tempo,
                         ** the buffer's clip being at this tempo, 1 .. 999
                         ** (held as a float): it plays at its rate x tempo
                         ** / bpm, follows every tempo change at its frame,
                         ** and its position follows from the transport's
                         ** beat, so a loop wraps on the grid for ever (a
                         ** loop within a frame of a whole number of 64th
                         ** beats is taken as exactly that many). The
                         ** engine's speed does not move it; a rate change
                         ** applies at once. 0 (the default): not locked */
} engine_play_options;

/* engine_play_options' size as 1.3 knew it (up to `quantize`). */
enum { ENGINE_PLAY_OPTIONS_SIZE_1_3 = 72 };

/* engine_play_options.quantize's (and engine_send_quantized()'s grid)
** meaning the bar line: -1, a special value (see the top of this header). */
enum { ENGINE_QUANTIZE_BAR = -1 };

/* The defaults of engine_play_with() into the 1.3 fields of *options
** (ENGINE_PLAY_OPTIONS_SIZE_1_3 bytes), and options->size set to that
** (since 1.3): a program built against 1.3 keeps working, and its plays are
** not locked. For the fields since 1.4, engine_play_options_init_size().
** NULL is a no-op. Thread: any. Non-blocking. */
void engine_play_options_init(engine_play_options *options);

/* The defaults into the first `size` bytes of *options (size:
** sizeof(engine_play_options) as the caller knows it, at least
** ENGINE_PLAY_OPTIONS_SIZE_1_3), and options->size set to the size filled:
** at most this library's sizeof(engine_play_options). Since 1.4. NULL, or
** a smaller size, is a no-op. Thread: any. Non-blocking. */
void engine_play_options_init_size(engine_play_options *options, size_t size);

/* Plays options->buffer on options->voice (ENGINE_ANY_VOICE: a free one,
** else the one playing longest, faded out), from options->start, looping
** over [loop_start, loop_end) when options->loop, with a crossfade at the
** seam; a play under way on the voice fades out over options->fade. All of
** it arrives together, at the exact frame, or none of it (since 1.3).
** Frames of the region are below 2^32. The voice chosen goes to *voice
** (may be NULL).
** Returns ENGINE_OK, or as engine_send() (INVALID: no such voice or
** buffer, a region or fade out of range, options->size wrong; since 1.4 a
** region that cannot play on the buffer: loop_start past its last frame,
** loop_end past its end, the error naming which). */
int engine_play_with(engine *e, const engine_play_options *options, uint32_t *voice);

/* The voice plays the buffer from engine frame `at` (ENGINE_AT_NEXT: the
** next block), with its gain and pan, instead of its sine; looped when
** `loop` is not 0 (ENGINE_PLAY_LOOP), else up to the buffer's end
** (ENGINE_MSG_VOICE_ENDED). A play under way on the voice is cut.
** Channel c of the buffer plays on output channel c, a mono buffer on every
** output channel; buffer channels past the output's are not played, and on
** a mono output a buffer of several channels plays as their average (since
** 1.2; before, its first channel). With gain 1, pan 0 and the bus and
** master at their defaults the samples come out unchanged. A play makes the
** voice's sine silent (its freq 0; since 1.1).
** Returns ENGINE_OK, or as engine_send() (INVALID also for a closed buffer). */
int engine_play(engine *e, uint32_t voice, uint32_t buffer, int64_t at, int loop);

/* Moves the loop's region of the voice's play under way to [loop_start,
** loop_end) (0: the buffer's end), with `crossfade` frames crossfaded at
** the seam, at engine frame `at`, to the sample (since 1.3). Both ends
** move at once, as one ENGINE_MSG_SET_LOOP (since 1.4; before, two
** messages, whose first could make an empty region that played the whole
** buffer). A play that has entered its loop and is outside the new region
** (past its end, or before its start) jumps at `at` to the frame that keeps
** its phase in the loop: loop_start + (its position - the old loop_start)
** modulo the new length, and with a crossfade the jump is crossfaded over
** `crossfade` frames (the play from where it was fading out, linearly, as
** the play from where it jumped fades in; not a key-locked play). A play
** inside the new region, or not yet in its loop, plays on. A region past
** the buffer's end is cut to it (an empty one: the whole buffer).
** Returns ENGINE_OK, or as engine_send() (INVALID: no such voice, loop_end
** not after loop_start, frames past 2^32 - 1, crossfade past 2^24). */
int engine_set_loop(engine *e, uint32_t voice, uint64_t loop_start, uint64_t loop_end,
                    uint32_t crossfade, int64_t at);

/* Silences the voice from engine frame `at`: a buffer playing ends
** (ENGINE_MSG_VOICE_ENDED), a sine's freq becomes 0; a cut, no fade.
** Commands for the voice still waiting in the schedule for later frames
** stay there and are carried out at their frames: engine_cancel() takes
** them back.
** Returns ENGINE_OK, or as engine_send(). */
int engine_stop(engine *e, uint32_t voice, int64_t at);

/* Stops the voice at `at`, fading out over `fade` frames (0: a cut, as
** engine_stop(); ENGINE_FADE_DEFAULT: 3 ms): a buffer playing ends where
** the fade reaches 0 (ENGINE_MSG_VOICE_ENDED says where), a sine falls
** silent there (since 1.3). Returns as engine_stop(). */
int engine_stop_fade(engine *e, uint32_t voice, int64_t at, uint32_t fade);

/* ENGINE_MSG_CANCEL's param: its flags. */
#define ENGINE_CANCEL_ALL_VOICES 1

/* engine_cancel()'s `voice` for every voice: -1, a special value (see the
** top of this header); engine_cancel() sends it as ENGINE_MSG_CANCEL with
** ENGINE_CANCEL_ALL_VOICES. */
enum { ENGINE_ALL_VOICES = -1 };

/* Takes back the commands for `voice` (0 .. voices - 1, or
** ENGINE_ALL_VOICES for every voice) that wait in the audio thread's
** schedule, at engine frame `at` (ENGINE_AT_NEXT: the next block): those
** due from then on are dropped and counted in `cancelled`; what was carried
** out before stays done. Commands sent after the cancel (for now) are not
** affected; a cancel for a later frame takes back, at that frame, every
** command for the voice then waiting, those sent after it too. Since 1.1.
** Returns ENGINE_OK, or as engine_send() (INVALID for no such voice). */
int engine_cancel(engine *e, int64_t voice, int64_t at);

/* Sets the engine's speed, which multiplies every voice's rate, at `at`,
** moving there over `ramp` frames: -16 .. 16, default 1 (since 1.3). Sends
** ENGINE_MSG_SET_SPEED.
** Returns ENGINE_OK, or as engine_send(). */
int engine_set_speed(engine *e, double speed, int64_t at, uint32_t ramp);

/* ==== 7. Sample buffers ==================================================== */
/* Who owns what: engine_load_buffer() copies the samples into memory the
** engine allocates on the calling thread; the caller's array is free to go
** at once. The buffer is lent to the audio thread by the engine's hand-off
** (docs/architecture.md): the audio thread reads it while voices play it
** and never frees it. engine_buffer_close() returns at once; at the start
** of the next block, after the commands sent before the close, the voices
** playing the buffer stop, the audio thread lets go and says so
** (ENGINE_MSG_BUFFER_RELEASED), and the memory is freed by a later call on
** a control thread (any receive, load or close; the event may be dropped,
** the freeing is not): the receive that takes the event has freed it,
** unless another thread was inside a buffer call then, which frees it.
** engine_destroy() frees what is left. A buffer's id
** names no other buffer for the life of the engine.
** Thread: any; serialized among themselves by a lock the audio thread never
** takes (a play's check and a receive that frees buffers take it too). */

/* Copies frames * channels interleaved samples (frames >= 1, channels
** 1..64) into a new buffer and gives its id (never 0) in *id.
** Non-blocking but for the copy.
** Returns ENGINE_OK, ENGINE_ERR_TABLE_FULL (engine_config.buffers are
** loaded, or after about 2^32 loads no id is left), ENGINE_ERR_NOMEM (also
** past 2^38 samples), ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (also a NaN or
** an infinity among the samples, naming its frame and channel). */
int engine_load_buffer(engine *e, const float *samples, uint64_t frames, uint32_t channels,
                       uint32_t *id);

/* Closes the buffer (see above). Returns at once: ENGINE_OK, ENGINE_ERR_CLOSED,
** ENGINE_ERR_INVALID (not a loaded, open buffer). */
int engine_buffer_close(engine *e, uint32_t buffer);

/* What a buffer is (engine_get_buffer_info). */
typedef struct engine_buffer_info {
    uint64_t frames;      /* at the engine's rate */
    uint32_t channels;
    uint32_t source_rate; /* the file's rate; 0 for engine_load_buffer()'s */
} engine_buffer_info;

/* What buffer `id` is, `size` bytes at most (since 1.1). Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (not a live buffer, out NULL,
** size 0), ENGINE_ERR_NOMEM, ENGINE_ERR_CLOSED. */
int engine_get_buffer_info(engine *e, uint32_t id, engine_buffer_info *out, size_t size);

/* Copies up to `frames` frames of buffer `id` from its frame `start` into
** `out`, interleaved, engine_get_buffer_info()'s channels a frame (room for
** frames * channels floats): bit for bit the samples the voices play. *read
** is the frames copied: fewer than `frames` at the buffer's end, 0 from it.
** Since 1.4. Thread: any; a close of the buffer on another thread waits for
** the copy (the audio thread never does). Non-blocking but for the copy.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (not a live buffer, `start` past
** its end, out or read NULL), ENGINE_ERR_CLOSED. */
int engine_buffer_read(engine *e, uint32_t id, uint64_t start, uint64_t frames, float *out,
                       uint64_t *read);

/* ==== 8. Audio files ======================================================= */
/* Since 1.1 (ENGINE_FEATURE_FILES). A file is decoded by libsndfile (WAV,
** AIFF, FLAC, Ogg Vorbis, Opus, MP3 and what else it reads), integer
** formats read as float in [-1, 1), and resampled by libsoxr to the
** engine's rate when its own differs. The decoding runs on the engine's
** loader threads (two, started at the first load), never on the audio
** thread; the buffer is then lent to it as engine_load_buffer()'s are, and
** plays and closes as they do (area 7).
** Thread: any. */

/* libsoxr's recipes, for `quality`. */
typedef enum engine_quality {
    ENGINE_QUALITY_QUICK = 0,     /* cubic interpolation */
    ENGINE_QUALITY_LOW = 1,       /* 16-bit, larger roll-off */
    ENGINE_QUALITY_MEDIUM = 2,    /* 16-bit */
    ENGINE_QUALITY_HIGH = 3,      /* 20-bit (SOXR_HQ) */
    ENGINE_QUALITY_VERY_HIGH = 4  /* 28-bit (SOXR_VHQ) */
} engine_quality;

/* Decodes the file at `path` into a new buffer and gives its id in *id.
** Blocks the caller (never the audio thread) until it is loaded.
** Returns ENGINE_OK, ENGINE_ERR_NOT_FOUND, ENGINE_ERR_DECODE,
** ENGINE_ERR_NOMEM (also: larger than engine_config.max_load_bytes),
** ENGINE_ERR_TABLE_FULL, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (NULL,
** `quality` not 0 .. 4), ENGINE_ERR_UNSUPPORTED (built without libsndfile
** or libsoxr); every failure says why, naming the path, in
** engine_last_error(). */
int engine_load_file(engine *e, const char *path, int quality, uint32_t *id);

/* Starts loading the file at `path` on a loader thread and returns at once
** with the job's number (never 0) in *job. Several may be in flight.
** Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID,
** ENGINE_ERR_UNSUPPORTED, ENGINE_ERR_NOMEM. */
int engine_load_file_async(engine *e, const char *path, int quality, uint64_t *job);

/* How job `job` is going: *progress (may be NULL) from 0 to 1. Returns
** ENGINE_EMPTY while it loads; ENGINE_OK when it is loaded (the buffer's
** id in *id); or the status it failed with (as engine_load_file(), or
** ENGINE_ERR_CANCELLED), its reason in engine_last_error(). A job that has
** given ENGINE_OK or its failure once is forgotten: asked again, it is
** ENGINE_ERR_INVALID (no such job); of two threads asking at once, one
** gets the outcome. Every job is to be taken so, or given up with
** engine_load_forget(): a finished job nobody takes keeps its buffer until
** engine_destroy(). Non-blocking. */
int engine_load_poll(engine *e, uint64_t job, float *progress, uint32_t *id);

/* As engine_load_poll(), waiting up to timeout_us microseconds for the job
** to finish: ENGINE_ERR_TIMEOUT when it has not. Blocks. */
int engine_load_wait(engine *e, uint64_t job, uint32_t timeout_us, uint32_t *id);

/* Cancels job `job`: it stops, and what it decoded is freed; its poll then
** gives ENGINE_ERR_CANCELLED. A cancel that returns ENGINE_OK always wins.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (no such job, or it has finished),
** ENGINE_ERR_CLOSED. Non-blocking. */
int engine_load_cancel(engine *e, uint64_t job);

/* Gives up job `job`: a job still loading is cancelled, and a finished one
** nobody took has its buffer closed; the job is forgotten. For a load whose
** outcome will never be asked (a binding's handle collected, an interrupted
** wait). Returns ENGINE_OK, ENGINE_ERR_INVALID (no such job),
** ENGINE_ERR_CLOSED. Non-blocking. */
int engine_load_forget(engine *e, uint64_t job);

/* ==== 9. Mixer: buses and meters (since 1.2) =============================== */
/* Voices play into buses (engine_config.buses, default 8; ENGINE_PARAM_BUS
** says which), the buses into the master, the master into the output. */

/* engine_config.pan_law. */
typedef enum engine_pan_law {
    ENGINE_PAN_BALANCE = 0,     /* at 0 both sides in full; towards one side
                                ** the other falls linearly to nothing */
    ENGINE_PAN_EQUAL_POWER = 1  /* cos and sin of (pan + 1) pi / 4: -3 dB
                                ** each side at the centre */
} engine_pan_law;

/* The parameters of a bus and of the master, for engine_set_bus().
** engine_bus_param_name() gives their names. */
typedef enum engine_bus_param {
    ENGINE_BUS_PARAM_GAIN = 0,    /* linear, 0 .. 16; default 1 */
    ENGINE_BUS_PARAM_GAIN_DB = 1, /* dB, -inf .. +24.08; sets GAIN */
    ENGINE_BUS_PARAM_PAN = 2,     /* -1 .. +1, by the engine's pan law; default 0 */
    ENGINE_BUS_PARAM_MUTE = 3,    /* 1 muted, 0 heard (a gain of 0 or 1, ramped);
                                  ** default 0 */
    ENGINE_BUS_PARAM_EQ_LOW = 4,  /* the three-band kill EQ's bands, in dB,
                                  ** -inf .. +12; at or below -60 (or -inf) */
    ENGINE_BUS_PARAM_EQ_MID = 5,  /* the band is killed. Crossovers at 250 and */
    ENGINE_BUS_PARAM_EQ_HIGH = 6, /* 2500 Hz; default 0 dB (out of the path) */
    ENGINE_BUS_PARAM_INPUT_DB = 7 /* since 1.3: the engine's input into the bus,
                                  ** in dB, -inf .. +24.08; default -inf (not
                                  ** heard: no feedback unless asked). Input
                                  ** channel c % inputs feeds bus channel c.
                                  ** Refused when config.inputs is 0 */
} engine_bus_param;

/* engine_set_bus()'s `bus` for the master. A special value (see the top of
** this header). */
#define ENGINE_BUS_MASTER 0xffffffffu

/* The name of engine_bus_param `param`: "gain", "gain_db", "pan", "mute",
** "eq_low", "eq_mid", "eq_high" or "input_db", or "unknown". Static; never
** free. Thread: any. Non-blocking. */
const char *engine_bus_param_name(int param);

/* Sets a parameter of bus `bus` (0 .. buses - 1, or ENGINE_BUS_MASTER) at
** engine frame `at`, moving there linearly over `ramp` frames, as
** engine_set_param() does for a voice. Gains in dB and EQ bands are turned
** into linear gains when the command is applied, and ramp in linear gain.
** An EQ leaving 0 dB on every band fades into the path over 256 frames, and
** out again when every band is back at 0 dB. Sends ENGINE_MSG_SET_BUS.
** Thread: any; as engine_send().
** Returns ENGINE_OK or a status as engine_send() (INVALID: no such bus or
** parameter, a value out of range, NaN). */
int engine_set_bus(engine *e, uint32_t bus, int param, double value, int64_t at,
                   uint32_t ramp);

/* A meter's kind of source: ENGINE_MSG_METER's param, and engine_get_meter()'s
** `source` (see "Sources" at the top of this header). */
typedef enum engine_meter_source {
    ENGINE_METER_VOICE = 0,
    ENGINE_METER_BUS = 1,
    ENGINE_METER_MASTER = 2
} engine_meter_source;

/* A meter's last window, read from a snapshot the audio thread writes when
** each window closes. What it measures is what that stage adds into the
** next, per output channel: a voice into its bus (after its gain and pan),
** a bus into the master (after its EQ, gain, mute and pan), the master into
** the output. A window is meter_ms rounded up to whole blocks; blocks in
** which a voice or bus was silent count as silence. */
typedef struct engine_meter {
    uint64_t frame;     /* the engine position at the window's end (0:
                        ** no window closed yet) */
    uint64_t clips;     /* samples past +-1.0 on any channel since the start */
    uint32_t frames;    /* the window's length in frames */
    uint32_t channels;  /* the output's channels: peak[0 .. channels) */
    float peak[64];     /* the largest |sample| of each channel, linear */
    float rms[64];      /* the root mean square of each channel, linear */
} engine_meter;

/* The last window of a meter: `source` ENGINE_METER_VOICE (index: the
** voice), ENGINE_METER_BUS (index: the bus) or ENGINE_METER_MASTER (index
** 0), `size` bytes at most. Thread: any. Non-blocking: never waits for the
** audio thread.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (no such meter,
** meter_ms is 0, out NULL, size 0). */
int engine_get_meter(engine *e, int source, uint32_t index, engine_meter *out, size_t size);

/* ==== 10. Input and recording (since 1.3) ================================== */
/* The input: engine_config.inputs channels, heard through a bus that asks
** (ENGINE_BUS_PARAM_INPUT_DB), offline given by engine_render_input()
** (area 12). A recording takes a source (see "Sources" at the top of this
** header) from an exact frame into a file or a buffer. Thread: any. */

/* What a recording takes: a bus's number (its output, before the master),
** or one of these special values (see the top of this header): the master
** (after its chain, what the output gets), or the input. */
#define ENGINE_RECORD_MASTER 0xffffffffu
#define ENGINE_RECORD_INPUT 0xfffffffeu

/* engine_record_file()'s formats. */
typedef enum engine_record_format {
    ENGINE_FORMAT_AUTO = 0, /* by the suffix: .wav or .flac */
    ENGINE_FORMAT_WAV = 1,  /* 32-bit float WAV: the samples bit for bit */
    ENGINE_FORMAT_FLAC = 2  /* 24-bit FLAC, clipped at full scale; 1..8 channels */
} engine_record_format;

/* ENGINE_MSG_RECORD_ENDED's param: why a recording ended. */
typedef enum engine_record_end {
    ENGINE_RECORD_END_DONE = 1,        /* its frames, or a stop */
    ENGINE_RECORD_END_OVERRUN = 2,     /* the writer fell behind: the ring was full */
    ENGINE_RECORD_END_WRITE_ERROR = 3  /* the file refused a write (a full disk, ...) */
} engine_record_end;

/* engine_record_status.state. */
typedef enum engine_record_state {
    ENGINE_RECORD_WAITING = 0,   /* its first frame has not come */
    ENGINE_RECORD_RUNNING = 1,   /* taking frames */
    ENGINE_RECORD_ENDING = 2,    /* the audio thread is done; the file is being finished */
    ENGINE_RECORD_DONE = 3       /* done: `error` says whether it failed */
} engine_record_state;

typedef struct engine_record_status {
    uint32_t state;        /* engine_record_state */
    uint32_t channels;
    uint64_t start_frame;  /* the engine frame of its first frame (once running) */
    uint64_t frames;       /* frames the audio thread took */
    uint64_t written;      /* of those, written to the file (a buffer: all) */
    uint64_t overruns;     /* frames lost: no room in the ring, or the file
                           ** refused them */
    char error[256];       /* once DONE: why it failed ("" when it did not):
                           ** "overrun: ...", "writing '...' failed: No space
                           ** left on device", ... */
} engine_record_status;

/* Records `source` to the file `path` from engine frame `at` (ENGINE_AT_NEXT:
** the next block) for `frames` frames (0: until engine_record_stop()). The
** file is opened here; the audio thread copies each block into a ring of
** `ring_frames` frames (0: two seconds) and a writer thread writes it: a
** disk that falls behind or fills up never holds the audio thread, the
** recording ends (its overruns counted, its error set) and the engine plays
** on. On the offline backend nothing is lost: engine_render() and
** engine_process() wait, before each block, for the writer to make room in
** the ring (only a failed write ends a recording there). Writes the
** recording's id to *id.
** Thread: any. Blocks while the file is opened. Returns ENGINE_OK,
** ENGINE_ERR_INVALID (source, format, frames, path NULL), ENGINE_ERR_BACKEND
** (the file cannot be opened: engine_last_error() says why),
** ENGINE_ERR_TABLE_FULL (32 recordings held), ENGINE_ERR_NOMEM,
** ENGINE_ERR_CLOSED. */
int engine_record_file(engine *e, const char *path, uint32_t source, int64_t at,
                       uint64_t frames, uint32_t format, uint64_t ring_frames, uint32_t *id);

/* Records `frames` frames (at least 1) of `source` from engine frame `at`
** into memory prepared here; once DONE, engine_record_take_buffer() makes
** it a buffer. Thread: any. Returns as engine_record_file(). */
int engine_record_buffer(engine *e, uint32_t source, int64_t at, uint64_t frames,
                         uint32_t *id);

/* Ends recording `id` just before engine frame `at` (ENGINE_AT_NEXT: at the
** next block); an earlier end asked stays. Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (no such recording), ENGINE_ERR_CLOSED. */
int engine_record_stop(engine *e, uint32_t id, int64_t at);

/* What recording `id` is doing, `size` bytes at most. Thread: any.
** Non-blocking. Returns ENGINE_OK, ENGINE_ERR_INVALID, ENGINE_ERR_CLOSED. */
int engine_get_record_status(engine *e, uint32_t id, engine_record_status *out, size_t size);

/* A DONE buffer recording becomes a buffer (its frames as taken), played as
** any other; the recording is closed. Writes the buffer's id to *buffer.
** Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_INVALID (not a DONE buffer recording, or it
** took no frames), ENGINE_ERR_TABLE_FULL (the buffer table is full: the
** recording stays open with its take whole, nothing lost; take it again
** once a buffer is closed; since 1.4, before which it was lost),
** ENGINE_ERR_CLOSED. */
int engine_record_take_buffer(engine *e, uint32_t id, uint32_t *buffer);

/* The caller is done with recording `id`: one still running ends at the
** next block, and its memory is freed once no thread uses it.
** Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_INVALID, ENGINE_ERR_CLOSED. */
int engine_record_close(engine *e, uint32_t id);

/* ==== 11. Inspection ======================================================= */
/* Counters and snapshots any thread reads without a message. Thread: any.
** Non-blocking: none waits for the audio thread (a snapshot read that
** overlaps the audio thread's write reads again). `size` is sizeof the
** struct as the caller knows it; the library fills that many bytes at most
** (later versions may add fields at the end). */

/* The engine's position: the frames processed so far. A command for this
** frame or earlier is late.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (out NULL). */
int engine_get_frame(engine *e, uint64_t *out);

/* Counters since engine_create. Each field is read atomically, but a
** snapshot is not one instant: a block may finish between two fields. */
typedef struct engine_stats {
    uint64_t callbacks;       /* blocks processed */
    uint64_t frames;          /* frames processed */
    uint64_t pings_sent;      /* pings accepted into the command ring */
    uint64_t pings_rejected;  /* pings dropped: command ring full */
    uint64_t pings_handled;   /* pings taken by the audio thread */
    uint64_t pongs_sent;      /* pongs pushed into the reply ring */
    uint64_t pongs_dropped;   /* pongs dropped: reply ring full */
    uint64_t pongs_received;  /* pongs taken by the caller */
    uint64_t xruns;           /* under/overruns reported by the backend */
    uint64_t max_callback_ns; /* longest audio callback so far, in ns */
    uint64_t commands_sent;     /* commands of every kind (pings too)
                                ** accepted into the command ring */
    uint64_t commands_rejected; /* commands dropped: command ring full */
    uint64_t late;            /* commands whose frame had passed when the
                              ** audio thread took them: applied at the
                              ** start of that block */
    uint64_t dropped;         /* commands for a later frame dropped: the
                              ** schedule (engine_config.schedule) was full */
    uint64_t unhandled;       /* commands the audio thread could not carry
                              ** out: an unknown kind, a play of a buffer
                              ** closed after the play was sent */
    uint64_t events_dropped;  /* VOICE_ENDED and BUFFER_RELEASED events
                              ** dropped: reply ring full */
    uint64_t buffers_live;    /* buffers loaded and not yet freed */
    uint64_t warnings;        /* warnings the audio library reported */
    uint64_t warnings_dropped;/* of those, not kept: 16 were waiting to be
                              ** taken, or two threads reported at once */
    /* Since 1.1: */
    uint64_t params_set;      /* values written with engine_set_param_latest() */
    uint64_t params_applied;  /* values the audio thread took from the
                              ** parameter path: the latest per parameter,
                              ** so at most params_set */
    uint64_t commands_handled;/* commands the audio thread took from the
                              ** command ring */
    uint64_t cancelled;       /* scheduled commands taken back by
                              ** engine_cancel() */
    /* Since 1.2: */
    uint64_t meter_events_dropped; /* ENGINE_MSG_METER events not sent: the
                              ** reply ring was half full (they never crowd
                              ** out the events that matter) */
    uint64_t input_nonfinite; /* since 1.4: input samples that were NaN or
                              ** infinite, replaced with 0 before anything
                              ** (a bus, a recording) took them */
} engine_stats;

/* Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_get_stats(engine *e, engine_stats *out, size_t size);

/* The engine's load, read from a snapshot the audio thread writes at the
** end of every block (since 1.1). */
typedef struct engine_load {
    uint64_t frame;         /* the position after that block */
    uint64_t callbacks;     /* blocks processed */
    double last;            /* that block's time in the engine over the
                            ** block's duration: 1.0 is all of it */
    double average;         /* the same, smoothed over about a second */
    uint32_t active_voices; /* voices still sounding (or moving) at the
                            ** end of that block */
    uint32_t reserved;
} engine_load;

/* The load snapshot (since 1.1).
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (out NULL,
** size 0). */
int engine_get_load(engine *e, engine_load *out, size_t size);

/* engine_voice_state.flags. */
#define ENGINE_VOICE_PLAYING 1  /* a buffer plays */
#define ENGINE_VOICE_LOOPING 2  /* ... looped */
#define ENGINE_VOICE_SOUNDING 4 /* the sine sounds */

/* One voice, read from a snapshot the audio thread writes at the end of
** every block the voice sounds in, and when it comes to rest (since 1.1).
** A voice the audio thread has not yet written reads as all zeros but
** gain 1. */
typedef struct engine_voice_state {
    uint64_t frame;    /* the engine position it describes */
    uint64_t position; /* the buffer's next frame, while one plays; after
                       ** a play ends it stays where the play ended, and
                       ** `frame` at the end of the block the voice came
                       ** to rest in, until the voice sounds again */
    uint32_t buffer;   /* the id of the buffer playing, or 0 */
    uint32_t flags;    /* ENGINE_VOICE_* */
    double freq;       /* the parameters' values then */
    double gain;
    double pan;
} engine_voice_state;

/* The snapshot of voice `voice` (since 1.1).
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (also no such
** voice, out NULL, size 0). */
int engine_get_voice_state(engine *e, uint32_t voice, engine_voice_state *out, size_t size);

/* The DSP load (since 1.2): the share of the block period the audio
** callback spent in the engine, over the blocks since the last
** engine_get_dsp_load() on this engine, as jack_cpu_load() reports it. */
typedef struct engine_dsp_load {
    double average;     /* the time over the blocks' duration: 1.0 is all of it */
    double peak;        /* the most of any one of those blocks */
    uint64_t frames;    /* the frames those blocks held; 0: none ran */
} engine_dsp_load;

/* The DSP load since the last call (the first: since engine_create), and
** starts the next interval (since 1.2). Waits only for another caller of
** it, never for the audio thread.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_get_dsp_load(engine *e, engine_dsp_load *out, size_t size);

/* ==== 12. Offline rendering ================================================ */
/* With ENGINE_BACKEND_OFFLINE there is no audio thread: the caller runs the
** blocks, on its own thread, and they are bit for bit repeatable. */

/* Runs one block of `frames` frames (1..65536) on the calling thread, as the
** audio thread would: handles waiting commands, renders (and discards) the
** sound, answers.
** Thread: any, one at a time: a concurrent call of this or engine_render()
** returns ENGINE_ERR_BUSY. Blocks only while a file recording's writer
** makes room for the block in its ring. Returns ENGINE_OK,
** ENGINE_ERR_UNSUPPORTED (the backend is not offline), ENGINE_ERR_BUSY,
** ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_process(engine *e, uint32_t frames);

/* Runs `frames` frames in blocks of block_frames (the last may be shorter)
** on the calling thread, writing what the engine plays to
** out[0 .. frames * channels), interleaved (frame i, channel c at
** out[i * channels + c]), float32, unclipped. The same commands give the
** same samples, bit for bit.
** Thread and returns: as engine_process() (frames 0 is ENGINE_OK, out NULL
** with frames > 0 ENGINE_ERR_INVALID). Blocks only as engine_process(). */
int engine_render(engine *e, float *out, uint64_t frames);

/* As engine_render(), with the engine's input taken from
** in[0 .. frames * inputs), interleaved (since 1.3). in NULL: silence.
** Returns as engine_render(); ENGINE_ERR_INVALID also when the engine has
** no inputs and `in` is not NULL. */
int engine_render_input(engine *e, float *out, const float *in, uint64_t frames);

/* ==== 13. Devices ========================================================== */

/* One output device, as engine_list_devices() reports it. */
typedef struct engine_device {
    char api[16];             /* "jack", "pulse" or "alsa" */
    char name[128];           /* ENGINE_DEVICE_NAME_MAX: what
                              ** engine_config.device matches */
    uint32_t output_channels;
    uint32_t is_default;      /* 1 for the API's default output device */
} engine_device;

/* Lists the output devices of `api` ("jack", "pulse", "alsa"), or of every
** API in the order ENGINE_BACKEND_AUTO tries them when api is NULL. JACK's
** are clients with playback ports; PulseAudio's are sinks, by description.
** Writes up to `max` of them to out[0..max) and the number found to *count
** (which may be more than max: call again with a larger array). Finding
** none is not an error: *count is 0 and engine_last_error() says what each
** API answered, such as "Jack: no server running".
** Thread: any. Blocks while the audio servers are asked (up to a second).
** Returns ENGINE_OK, ENGINE_ERR_INVALID (count NULL, out NULL with max > 0),
** ENGINE_ERR_BACKEND (unknown api), ENGINE_ERR_INTERNAL. */
int engine_list_devices(const char *api, engine_device *out, uint32_t max, uint32_t *count);

/* The longest warning engine_next_warning() gives, with its NUL. */
#define ENGINE_WARNING_MAX 256

/* Takes the oldest warning the audio library reported about this engine's
** stream (RtAudio's, such as "RtApiPulse::callbackEvent: audio write error,
** Connection terminated."), copying it to buf, truncated to size bytes with
** the NUL (at most ENGINE_WARNING_MAX). Up to 16 are kept until taken; later
** ones are dropped and counted in engine_stats.warnings_dropped. Also valid
** on a closed engine: what was said while it stopped can still be read.
** RtAudio's warnings while it probes devices, before a stream is open, have
** no channel in RtAudio 5.2 and are not seen; what the probe found is in
** engine_last_error().
** Thread: any. Non-blocking (waits at most for another thread's copy of one
** warning). Returns ENGINE_OK, ENGINE_EMPTY (none waiting; buf untouched),
** ENGINE_ERR_INVALID (e not a live engine, buf NULL, size 0). */
int engine_next_warning(engine *e, char *buf, size_t size);

/* ==== 14. Transport: tempo, beats and the grid (since 1.4) ================ */
/* The engine keeps time in frames; the transport, owned by the audio
** thread, counts beats: from the first block a tempo (default 120 BPM),
** beats per bar (default 4), and a beat advanced by the frames rendered,
** independent of any voice. Beat 0 is a downbeat at frame 0. Frames and
** beats convert exactly under every tempo change the engine has applied
** (its last 64) or holds for a later frame:
**   beat(f) = beat(c) + (f - c) x bpm / (60 x sample_rate)
** from the last change c at or before f, in double precision; and a
** beat's frame is the first frame whose beat is at or after it. A change
** of beats per bar starts a bar at its frame; a tempo change alone keeps
** the bar lines' beats. A grid of g beats (1 a beat, 0.25 a sixteenth) is
** counted from the last downbeat.
** Thread: any. Non-blocking; the reads never wait for the audio thread. */

/* Where the transport is, as at the end of the last block. */
typedef struct engine_transport {
    uint64_t frame;          /* the frame the next block starts at */
    double beat;             /* the beat at `frame` */
    double bpm;              /* the tempo in force there */
    uint32_t beats_per_bar;
    uint32_t reserved;
} engine_transport;

/* Sets the tempo (1 .. 999 BPM) from engine frame `at` (ENGINE_AT_NEXT: the
** next block) on, and beats per bar (1 .. 64; 0: as it is); the beat is
** continuous across the change. The engine holds up to 64 changes to come.
** Sends ENGINE_MSG_SET_TEMPO.
** Returns ENGINE_OK, or as engine_send() (INVALID: bpm or beats per bar
** out of range, NaN). */
int engine_set_tempo(engine *e, double bpm, int64_t at, uint32_t beats_per_bar);

/* The transport as at the end of the last block; see engine_get_info() for
** `size`. Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID. */
int engine_get_transport(engine *e, engine_transport *out, size_t size);

/* The beat at engine frame `frame`, into *beat.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (beat NULL). */
int engine_beat_at(engine *e, uint64_t frame, double *beat);

/* The first engine frame whose beat is at or after `beat`, into *frame
** (0 for a beat at or before frame 0's).
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, ENGINE_ERR_INVALID (frame NULL,
** beat NaN or infinite). */
int engine_frame_at(engine *e, double beat, uint64_t *frame);

/* Sends ms[0 .. n) (1 .. 64 commands, each checked as engine_send() checks
** it, voices named) so that all of them apply at the first line of a grid
** of `grid` beats (1/64 .. 1024; ENGINE_QUANTIZE_BAR: the bar line) at or
** after engine frame `at` (ENGINE_AT_NEXT: the block they arrive in); a
** line falling on `at` counts. Their own frames are ignored. The line is
** found from the tempo map when they arrive and they wait for its beat, so
** a tempo change made meanwhile still lands them on it. All at one frame,
** or none: a schedule without room for all of them drops them all (counted
** in engine_stats.dropped).
** Returns ENGINE_OK, or as engine_send(). */
int engine_send_quantized(engine *e, int64_t at, double grid, const engine_message *ms,
                          uint32_t n);

/* The first line of a grid of `grid` beats (ENGINE_QUANTIZE_BAR: the bar
** line) at or after engine frame `at` (ENGINE_AT_NEXT: the frame the next
** block starts at) into *frame, as a quantized command sent now would find
** it, from the tempo map as the audio thread last published it (since 1.4).
** A line on `at` itself counts. Thread: any. Non-blocking.
** Returns ENGINE_OK, ENGINE_ERR_CLOSED, or ENGINE_ERR_INVALID (frame NULL,
** a grid not 1/64 .. 1024 beats or ENGINE_QUANTIZE_BAR, `at` past 2^53). */
int engine_grid_line(engine *e, int64_t at, double grid, uint64_t *frame);

/* The metronome on (on = 1) or off (0), from the next block: a click on
** every beat of the transport, accented on the bar, sample-exact to it (a
** click starts at its beat's first frame, as quantized commands do): 30 ms
** of a 1 kHz tone from its peak (2 kHz on a bar line) decaying as (1 - t / 30 ms)^2, at
** gain_db (up to +24.08; -inf: silent), into `bus` (or ENGINE_BUS_MASTER).
** Sends ENGINE_MSG_METRONOME.
** Returns ENGINE_OK, or as engine_send() (INVALID: no such bus, gain_db
** NaN or over +24.08, `on` not 0 or 1). */
int engine_metronome(engine *e, int on, double gain_db, uint32_t bus);

/* Moves the downbeat at engine frame `at` (ENGINE_AT_NEXT: the next block)
** so that the voice's loop start falls on a bar line from then on, without
** moving the voice: bars (and every grid) are counted from the beat at
** which the play under way reads its loop's start (its region's start; for
** a play not yet in its loop, where it will), found from its position and
** its speed at that frame. The beats stay: beat_at() and frame_at() do not
** change. A locked play (engine_play_options.bpm) stays on the bars for
** ever; an unlocked one as long as its speed matches the tempo. A voice
** playing no buffer then is counted in engine_stats.unhandled, and nothing
** moves. Nothing else moves the downbeat. Quantize it with
** engine_send_quantized() (ENGINE_MSG_SYNC_TO). Sends ENGINE_MSG_SYNC_TO.
** Returns ENGINE_OK, or as engine_send() (INVALID: no such voice). */
int engine_sync_to(engine *e, uint32_t voice, int64_t at);

/* cdef-end */

#ifdef __cplusplus
}
#endif

#endif /* RINGENGINE_H */
