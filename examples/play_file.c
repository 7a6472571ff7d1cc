/* Loads an audio file (decoded and resampled to the engine's rate off the
** audio thread), renders it offline, and prints what was loaded and its
** peak: the C side of "play a file".
** Build: cc play_file.c $(pkg-config --cflags --libs ringengine)
** Run:   ./a.out FILE    (any file libsndfile reads: WAV, FLAC, MP3, ...) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ringengine.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    engine_config config;
    engine_config_init_size(&config, sizeof config);
    config.backend = ENGINE_BACKEND_OFFLINE;
    engine *e = NULL;
    int rc = engine_create(&config, &e);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "engine_create: %s (%s)\n", engine_strerror(rc), engine_last_error());
        return 1;
    }
    uint32_t buffer = 0;
    rc = engine_load_file(e, argv[1], ENGINE_QUALITY_HIGH, &buffer);
    if (rc != ENGINE_OK) {
        /* The reason names the path: "x.wav: No such file or directory". */
        fprintf(stderr, "engine_load_file: %s: %s\n", engine_strerror(rc), engine_last_error());
        engine_destroy(e);
        return 1;
    }
    engine_buffer_info info;
    engine_get_buffer_info(e, buffer, &info, sizeof info);
    float *out = malloc(info.frames * config.channels * sizeof *out);
    rc = out != NULL ? engine_play(e, 0, buffer, 0, 0) : ENGINE_ERR_NOMEM;
    if (rc == ENGINE_OK)
        rc = engine_render(e, out, info.frames);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "ringengine: %s\n", engine_strerror(rc));
        free(out);
        engine_destroy(e);
        return 1;
    }
    float peak = 0.0f;
    for (uint64_t i = 0; i < info.frames * config.channels; ++i)
        peak = fmaxf(peak, fabsf(out[i]));
    printf("%s: %u channels at %u Hz, %llu frames at %u Hz, peak %.4f\n", argv[1],
           info.channels, info.source_rate, (unsigned long long)info.frames, config.sample_rate,
           peak);
    free(out);
    engine_destroy(e);
    return 0;
}
