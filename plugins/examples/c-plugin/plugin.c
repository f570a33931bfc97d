/*
 * A WASI reactor plugin in C, behaving like the original's example plugin: deny the username
 * "deny"; otherwise refer to play.hyvane.com:5520 with the referral content "wasm-plugin".
 * It exercises what a Go-built module needs from the host: _initialize, clocks, random bytes,
 * fd_write (stdout) and a growing heap.
 *
 * Build: clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 -o plugin.wasm plugin.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char DENY[] = "{\"deny\":true,\"deny_reason\":\"denied by wasm plugin\"}";
static const char PATTERN[] = "\"username\":\"deny\"";

static void *last_request;
static char *last_response;
static unsigned long long calls;
static unsigned int nonce_seed;

/* Runs from _initialize (the reactor's constructor): clock, random and stdout through WASI. */
__attribute__((constructor)) static void plugin_init(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (getentropy(&nonce_seed, sizeof nonce_seed) != 0) {
        nonce_seed = (unsigned int)ts.tv_nsec;
    }
    printf("c-plugin: initialized at %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
    fflush(stdout);
}

/* The host writes each request into the buffer alloc returns; the previous one is freed here,
 * so the heap stays flat (unlike Go-built modules, which never free). */
__attribute__((export_name("alloc"))) uint32_t alloc(uint32_t len) {
    free(last_request);
    last_request = malloc(len ? len : 1);
    return (uint32_t)(uintptr_t)last_request;
}

static int contains(const char *hay, uint32_t len, const char *needle) {
    size_t n = strlen(needle);
    for (uint32_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

__attribute__((export_name("on_connect"))) uint64_t on_connect(uint32_t ptr, uint32_t len) {
    const char *request = (const char *)(uintptr_t)ptr;
    free(last_response);
    calls++;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned int nonce;
    if (getentropy(&nonce, sizeof nonce) != 0) {
        nonce = nonce_seed++;
    }
    if (calls % 10000 == 0) {
        printf("c-plugin: %llu calls\n", calls);
        fflush(stdout);
    }
    if (contains(request, len, PATTERN)) {
        last_response = strdup(DENY);
    } else {
        /* Unknown fields (x_*) are ignored by the router, as by the original. */
        last_response = malloc(256);
        snprintf(last_response, 256,
                 "{\"referral_content\":\"d2FzbS1wbHVnaW4=\",\"backend\":{\"host\":\"play.hyvane.com\",\"port\":5520},"
                 "\"x_monotonic_ns\":%lld,\"x_nonce\":%u}",
                 (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, nonce);
    }
    return ((uint64_t)(uintptr_t)last_response << 32) | (uint64_t)strlen(last_response);
}
