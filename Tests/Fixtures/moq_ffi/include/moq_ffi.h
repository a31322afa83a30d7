/*
 * moq_ffi fixture - C API of the std-only test crate (src/lib.rs).
 *
 * Laid out like the real moq-ffi header: an extern "C" guard, an export
 * macro, opaque handles, a result struct whose message the caller owns.
 * Every prototype here matches a #[no_mangle] extern "C" function of
 * src/lib.rs; moq-leakcheck reads this file to name the function that
 * releases what another returns.
 *
 * Ownership:
 *   moq_client_create     -> release with moq_client_destroy
 *   moq_publisher_create  -> release with moq_publisher_destroy
 *   moq_subscriber_create -> release with moq_subscriber_destroy
 *   MoqResult.message     -> release with moq_free_str (null on success)
 *   moq_version           -> static, do not free
 */

#ifndef MOQ_FFI_H
#define MOQ_FFI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) || defined(_WIN64)
    #define MOQ_API __declspec(dllimport)
#else
    #define MOQ_API __attribute__((visibility("default")))
#endif

/* Result codes (MoqResult.code). */
#define MOQ_OK 0
#define MOQ_ERR_INVALID_ARGUMENT (-1)
#define MOQ_ERR_INVALID_URL (-2)
#define MOQ_ERR_NOT_CONNECTED (-3)

/* Opaque handles. */
typedef struct MoqClient MoqClient;
typedef struct MoqPublisher MoqPublisher;
typedef struct MoqSubscriber MoqSubscriber;

/**
 * Result of a fallible call. `message` is NULL on success; otherwise the
 * caller owns it and must release it with moq_free_str().
 */
typedef struct MoqResult {
    int32_t code;
    char *message; /* owned by the caller, free with moq_free_str() */
} MoqResult;

/** Status callback: (user_data, code). */
typedef void (*MoqStatusCallback)(void *user_data, int32_t code);

/* ── Library ─────────────────────────────────── */

/** Version string; static, do not free. */
MOQ_API const char *moq_version(void);

/* ── Client ──────────────────────────────────── */

/** A new client; release with moq_client_destroy(). */
MOQ_API MoqClient *moq_client_create(void);

/** Releases a client from moq_client_create(); NULL is a no-op. */
MOQ_API void moq_client_destroy(MoqClient *client);

/**
 * Connects to a relay (`https://host...`). On error the result's message
 * must be released with moq_free_str().
 */
MOQ_API MoqResult moq_connect(
    MoqClient *client,
    const char *url,
    MoqStatusCallback on_status,
    void *user_data
);

MOQ_API MoqResult moq_disconnect(MoqClient *client);

/** 1 when connected, 0 when not, -1 for a NULL client. */
MOQ_API int32_t moq_is_connected(const MoqClient *client);

/* ── Publishing ──────────────────────────────── */

/** NULL unless the client is connected; release with moq_publisher_destroy(). */
MOQ_API MoqPublisher *moq_publisher_create(MoqClient *client, const char *track);

MOQ_API MoqResult moq_publish(MoqPublisher *publisher, const uint8_t *data, size_t len);

MOQ_API void moq_publisher_destroy(MoqPublisher *publisher);

/* ── Subscribing ─────────────────────────────── */

/** NULL unless the client is connected; release with moq_subscriber_destroy(). */
MOQ_API MoqSubscriber *moq_subscriber_create(MoqClient *client, const char *track);

/** Bytes buffered, or -1 for NULL. */
MOQ_API int64_t moq_subscriber_buffered(const MoqSubscriber *subscriber);

MOQ_API void moq_subscriber_destroy(MoqSubscriber *subscriber);

/* ── Strings ─────────────────────────────────── */

/** Releases a MoqResult.message; NULL is accepted. */
MOQ_API void moq_free_str(char *s);

/* ── Callbacks on the library's thread ──────── */

/** Opaque delivery thread; release with moq_listener_stop(), which joins it. */
typedef struct MoqListener MoqListener;

/**
 * Frame callback: (user_data, sequence). Called on the library's own thread,
 * never the caller's, as moq-ffi calls back from its workers: whatever it
 * shares with the caller needs a lock.
 */
typedef void (*MoqFrameCallback)(void *user_data, uint64_t sequence);

/**
 * Starts a library thread that calls on_frame(user_data, n) for n = 1..frames.
 * NULL for a NULL subscriber or callback. Release with moq_listener_stop().
 */
MOQ_API MoqListener *moq_subscriber_listen(
    MoqSubscriber *subscriber,
    MoqFrameCallback on_frame,
    void *user_data,
    uint32_t frames
);

/** Waits for the listener's thread to finish and releases it; NULL is a no-op. */
MOQ_API void moq_listener_stop(MoqListener *listener);

#ifdef __cplusplus
}
#endif

#endif /* MOQ_FFI_H */
