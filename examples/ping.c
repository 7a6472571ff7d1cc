/* Pings the engine from C: creates an engine (the null backend by default,
** or the backend named on the command line), sends ten pings, waits for each
** pong, and prints what came back.
**
** Build against an installed ringengine:
**     cc ping.c $(pkg-config --cflags --libs ringengine) -o ping
** Run: ./ping [auto|rtaudio|null|offline]
*/
#include <stdio.h>
#include <string.h>

#include <ringengine.h>

static int backend_from_name(const char *name) {
    int b;
    for (b = ENGINE_BACKEND_AUTO; b <= ENGINE_BACKEND_OFFLINE; ++b)
        if (strcmp(name, engine_backend_name(b)) == 0)
            return b;
    return -1;
}

int main(int argc, char **argv) {
    engine_config config;
    engine_info info;
    engine *e = NULL;
    int i, rc;

    if (engine_version_number() / 10000 != ENGINE_VERSION_MAJOR) {
        fprintf(stderr, "ringengine %s is not ABI %d\n", engine_version_string(),
                ENGINE_VERSION_MAJOR);
        return 1;
    }
    engine_config_init(&config);
    config.backend = ENGINE_BACKEND_NULL;
    if (argc > 1 && (rc = backend_from_name(argv[1])) >= 0)
        config.backend = (uint32_t)rc;

    rc = engine_create(&config, &e);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "engine_create: %s: %s\n", engine_strerror(rc), engine_last_error());
        return 1;
    }
    engine_get_info(e, &info, sizeof info);
    printf("ringengine %s, backend %s, device %s\n", engine_version_string(),
           engine_backend_name((int)info.backend), info.device);

    for (i = 0; i < 10; ++i) {
        engine_message pong;
        int64_t seq = engine_send_ping(e);
        if (seq < 0) {
            fprintf(stderr, "engine_send_ping: %s\n", engine_strerror((int)seq));
            break;
        }
        if (info.backend == ENGINE_BACKEND_OFFLINE)
            engine_process(e, info.block_frames);
        rc = engine_recv(e, &pong, 2000000); /* 2 s */
        if (rc != ENGINE_OK) {
            fprintf(stderr, "engine_recv: %s\n", engine_strerror(rc));
            break;
        }
        printf("ping %lld -> pong %u at frame %llu\n", (long long)seq, (unsigned)pong.id,
               (unsigned long long)pong.frame);
    }
    engine_destroy(e);
    return rc == ENGINE_OK ? 0 : 1;
}
