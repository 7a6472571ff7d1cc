/* Renders one second of a 440 Hz tone that fades in over 10 ms, on the
** offline backend, and prints its peak: the C side of "does it make sound?".
** Build: cc tone.c $(pkg-config --cflags --libs ringengine) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <ringengine.h>

int main(void) {
    engine_config config;
    engine_config_init(&config);
    config.backend = ENGINE_BACKEND_OFFLINE;
    engine *e = NULL;
    int rc = engine_create(&config, &e);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "engine_create: %s (%s)\n", engine_strerror(rc), engine_last_error());
        return 1;
    }
    /* Voice 0: 440 Hz from frame 0, gain from 0 to 0.5 over 480 frames. */
    engine_set_param(e, 0, ENGINE_PARAM_GAIN, 0.0, 0, 0);
    engine_set_param(e, 0, ENGINE_PARAM_FREQ, 440.0, 0, 0);
    rc = engine_set_param(e, 0, ENGINE_PARAM_GAIN, 0.5, 0, 480);
    const uint64_t frames = config.sample_rate;
    float *out = malloc(frames * config.channels * sizeof *out);
    if (rc == ENGINE_OK && out != NULL)
        rc = engine_render(e, out, frames);
    if (rc != ENGINE_OK || out == NULL) {
        fprintf(stderr, "ringengine: %s\n", engine_strerror(rc));
        free(out);
        engine_destroy(e);
        return 1;
    }
    float peak = 0.0f;
    for (uint64_t i = 0; i < frames * config.channels; ++i)
        peak = fmaxf(peak, fabsf(out[i]));
    printf("rendered %llu frames of 440 Hz: peak %.4f, first samples %.5f %.5f\n",
           (unsigned long long)frames, peak, out[2 * 100], out[2 * 101]);
    free(out);
    engine_destroy(e);
    return peak > 0.49f && peak <= 0.5f ? 0 : 1;
}
