/* Compiled with -std=c99 -pedantic -Werror: the header is plain C99, and a C
** program can ping the engine through it. Exits 0 when a pong came back with
** the ping's sequence number and the block's sample position. */
#include <stdio.h>

#include "ringengine.h"

int main(void) {
    engine_config config;
    engine *e = NULL;
    engine_message reply;
    int64_t seq = -1;
    int rc;

    engine_config_init(&config);
    config.backend = ENGINE_BACKEND_OFFLINE;
    rc = engine_create(&config, &e);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "engine_create: %s (%s)\n", engine_strerror(rc), engine_last_error());
        return 1;
    }
    rc = engine_process(e, 64);
    if (rc == ENGINE_OK) {
        seq = engine_send_ping(e);
        if (seq < 0)
            rc = (int)seq;
    }
    if (rc == ENGINE_OK)
        rc = engine_process(e, 64);
    if (rc == ENGINE_OK)
        rc = engine_try_recv(e, &reply);
    engine_destroy(e);
    if (rc != ENGINE_OK) {
        fprintf(stderr, "ping/pong: %s\n", engine_strerror(rc));
        return 1;
    }
    if (reply.kind != ENGINE_MSG_PONG || (int64_t)reply.id != seq || reply.frame != 64) {
        fprintf(stderr, "bad pong: kind %u seq %u frame %lu\n", (unsigned)reply.kind,
                (unsigned)reply.id, (unsigned long)reply.frame);
        return 1;
    }
    printf("pong %u at frame %lu\n", (unsigned)reply.id, (unsigned long)reply.frame);
    return 0;
}
