//! moq_ffi test fixture: a std-only crate shaped like moq-ffi's C API.
//!
//! Ownership rules (the same as moq-ffi's):
//! * `moq_client_create` / `moq_publisher_create` / `moq_subscriber_create` return
//!   owned pointers that must be released with the matching `*_destroy`.
//! * A `MoqResult` whose `message` is non-null owns a `CString::into_raw` pointer that
//!   must be released with `moq_free_str`.
//! * `moq_version` returns a static string that must NOT be freed.
//!
//! Every allocation size here is fixed so that leak figures are exact; see EXPECTED.md.

#[cfg(feature = "broken_build")]
compile_error!("broken_build feature: deliberate compile error for moq-leakcheck's build-failure test");

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::ptr;

#[cfg(not(feature = "with_moq"))]
#[path = "backend/stub.rs"]
mod backend;

#[cfg(feature = "with_moq")]
#[path = "backend/moq.rs"]
mod backend;

pub const MOQ_OK: i32 = 0;
pub const MOQ_ERR_INVALID_ARGUMENT: i32 = -1;
pub const MOQ_ERR_INVALID_URL: i32 = -2;
pub const MOQ_ERR_NOT_CONNECTED: i32 = -3;

/// The error message for a URL that does not start with `https://`.
/// 36 characters, so its CString is 37 bytes.
pub const INVALID_URL_MESSAGE: &str = "invalid url: scheme must be https://";
/// 19 characters, so its CString is 20 bytes.
pub const NULL_ARGUMENT_MESSAGE: &str = "null argument given";
/// 13 characters, so its CString is 14 bytes.
pub const NOT_CONNECTED_MESSAGE: &str = "not connected";

static VERSION: &[u8] = b"moq_ffi-fixture 0.1.0\0";

/// Result of a fallible call. `message` is null on success; otherwise it is owned by the
/// caller and must be released with `moq_free_str`.
#[repr(C)]
#[derive(Debug)]
pub struct MoqResult {
    pub code: i32,
    pub message: *mut c_char,
}

impl MoqResult {
    fn ok() -> MoqResult {
        MoqResult { code: MOQ_OK, message: ptr::null_mut() }
    }

    /// `message` becomes a CString of exactly `message.len() + 1` bytes (one allocation).
    fn error(code: i32, message: &'static str) -> MoqResult {
        let c = CString::new(message).expect("static messages contain no NUL");
        MoqResult { code, message: c.into_raw() }
    }
}

/// Opaque client handle. `Box<MoqClient>` is one heap block; see EXPECTED.md for its size.
pub struct MoqClient {
    id: u64,
    session: backend::Session,
}

/// Opaque publisher handle (one heap block holding the track name as a child block).
pub struct MoqPublisher {
    track: CString,
    sent: u64,
}

/// Opaque subscriber handle. It owns a child allocation (`Box<Buffer>`, which itself owns
/// a 64-byte Vec), so leaking a subscriber leaks one block directly and two indirectly.
#[repr(C)]
pub struct MoqSubscriber {
    pub track_id: u64,
    buffer: Box<Buffer>,
}

/// The subscriber's receive buffer: 24 bytes (a Vec header) + a 64-byte Vec allocation.
pub struct Buffer {
    data: Vec<u8>,
}

pub const SUBSCRIBER_BUFFER_CAPACITY: usize = 64;

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[no_mangle]
pub extern "C" fn moq_version() -> *const c_char {
    VERSION.as_ptr() as *const c_char
}

#[no_mangle]
pub extern "C" fn moq_client_create() -> *mut MoqClient {
    Box::into_raw(Box::new(MoqClient { id: next_id(), session: backend::Session::new() }))
}

/// # Safety
/// `client` must be null or a pointer from `moq_client_create` not yet destroyed.
#[no_mangle]
pub unsafe extern "C" fn moq_client_destroy(client: *mut MoqClient) {
    if !client.is_null() {
        drop(Box::from_raw(client));
    }
}

/// Status callback signature: `(user_data, code)`.
pub type MoqStatusCallback = Option<extern "C" fn(user_data: *mut c_void, code: i32)>;

/// # Safety
/// `client` must be a live client; `url` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn moq_connect(
    client: *mut MoqClient,
    url: *const c_char,
    on_status: MoqStatusCallback,
    user_data: *mut c_void,
) -> MoqResult {
    if client.is_null() || url.is_null() {
        return MoqResult::error(MOQ_ERR_INVALID_ARGUMENT, NULL_ARGUMENT_MESSAGE);
    }
    let url = CStr::from_ptr(url).to_bytes();
    if !url.starts_with(b"https://") || url.len() <= b"https://".len() {
        return MoqResult::error(MOQ_ERR_INVALID_URL, INVALID_URL_MESSAGE);
    }
    let client = &mut *client;
    client.session.connect(url);
    if let Some(cb) = on_status {
        cb(user_data, MOQ_OK);
    }
    MoqResult::ok()
}

/// # Safety
/// `client` must be null or a live client.
#[no_mangle]
pub unsafe extern "C" fn moq_disconnect(client: *mut MoqClient) -> MoqResult {
    if client.is_null() {
        return MoqResult::error(MOQ_ERR_INVALID_ARGUMENT, NULL_ARGUMENT_MESSAGE);
    }
    let client = &mut *client;
    if !client.session.is_connected() {
        return MoqResult::error(MOQ_ERR_NOT_CONNECTED, NOT_CONNECTED_MESSAGE);
    }
    client.session.disconnect();
    MoqResult::ok()
}

/// Returns 1 when connected, 0 when not, -1 for a null client.
///
/// # Safety
/// `client` must be null or a live client.
#[no_mangle]
pub unsafe extern "C" fn moq_is_connected(client: *const MoqClient) -> i32 {
    if client.is_null() {
        return -1;
    }
    (*client).session.is_connected() as i32
}

/// # Safety
/// `client` must be a live, connected client; `track` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn moq_publisher_create(
    client: *mut MoqClient,
    track: *const c_char,
) -> *mut MoqPublisher {
    if client.is_null() || track.is_null() || !(*client).session.is_connected() {
        return ptr::null_mut();
    }
    let track = CStr::from_ptr(track);
    (*client).session.announce(track.to_bytes());
    Box::into_raw(Box::new(MoqPublisher { track: track.to_owned(), sent: 0 }))
}

/// # Safety
/// `publisher` must be a live publisher; `data` must point to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn moq_publish(
    publisher: *mut MoqPublisher,
    data: *const u8,
    len: usize,
) -> MoqResult {
    if publisher.is_null() || (data.is_null() && len > 0) {
        return MoqResult::error(MOQ_ERR_INVALID_ARGUMENT, NULL_ARGUMENT_MESSAGE);
    }
    let p = &mut *publisher;
    let _ = p.track.as_bytes().len();
    p.sent += len as u64;
    MoqResult::ok()
}

/// # Safety
/// `publisher` must be null or a live publisher.
#[no_mangle]
pub unsafe extern "C" fn moq_publisher_destroy(publisher: *mut MoqPublisher) {
    if !publisher.is_null() {
        drop(Box::from_raw(publisher));
    }
}

/// # Safety
/// `client` must be a live, connected client; `track` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn moq_subscriber_create(
    client: *mut MoqClient,
    track: *const c_char,
) -> *mut MoqSubscriber {
    if client.is_null() || track.is_null() || !(*client).session.is_connected() {
        return ptr::null_mut();
    }
    let mut data = Vec::with_capacity(SUBSCRIBER_BUFFER_CAPACITY);
    let name = CStr::from_ptr(track).to_bytes();
    data.extend_from_slice(&name[..name.len().min(SUBSCRIBER_BUFFER_CAPACITY)]);
    Box::into_raw(Box::new(MoqSubscriber {
        track_id: (*client).id * 1000 + next_id(),
        buffer: Box::new(Buffer { data }),
    }))
}

/// Number of bytes buffered by a subscriber, or -1 for null.
///
/// # Safety
/// `subscriber` must be null or a live subscriber.
#[no_mangle]
pub unsafe extern "C" fn moq_subscriber_buffered(subscriber: *const MoqSubscriber) -> i64 {
    if subscriber.is_null() {
        return -1;
    }
    (*subscriber).buffer.data.len() as i64
}

/// # Safety
/// `subscriber` must be null or a live subscriber.
#[no_mangle]
pub unsafe extern "C" fn moq_subscriber_destroy(subscriber: *mut MoqSubscriber) {
    if !subscriber.is_null() {
        drop(Box::from_raw(subscriber));
    }
}

/// Releases a message from a `MoqResult`. Null is accepted.
///
/// # Safety
/// `s` must be null or a `message` from a `MoqResult` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn moq_free_str(s: *mut c_char) {
    if !s.is_null() {
        drop(CString::from_raw(s));
    }
}

/// Which backend this build uses ("stub" or "with_moq").
pub fn backend_name() -> &'static str {
    backend::NAME
}

/// Drops a raw pointer so that no copy of it survives in the caller's frame: the pointer is
/// written to a volatile local slot that is then overwritten with null. Used by the leak_*
/// tests so that valgrind/LSan see the block as unreachable (definitely lost).
#[doc(hidden)]
#[inline(never)]
pub fn forget_pointer<T>(p: *mut T) {
    let mut slot: *mut T = p;
    unsafe {
        ptr::write_volatile(&mut slot, ptr::null_mut());
        let _ = ptr::read_volatile(&slot);
    }
}

/// Frame callback signature: `(user_data, sequence)`. Called on the library's own thread,
/// as moq-ffi calls back from its tokio workers: the caller's state it touches needs a lock.
pub type MoqFrameCallback = Option<extern "C" fn(user_data: *mut c_void, sequence: u64)>;

/// A delivery thread started by `moq_subscriber_listen`; released by `moq_listener_stop`.
pub struct MoqListener {
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts a library thread that calls `on_frame(user_data, n)` for n in 1..=frames, then
/// returns. The caller releases the listener with `moq_listener_stop`, which joins it.
///
/// # Safety
/// `subscriber` must be a live subscriber; `user_data` must stay valid until the stop.
#[no_mangle]
pub unsafe extern "C" fn moq_subscriber_listen(
    subscriber: *mut MoqSubscriber,
    on_frame: MoqFrameCallback,
    user_data: *mut c_void,
    frames: u32,
) -> *mut MoqListener {
    let cb = match on_frame {
        Some(cb) if !subscriber.is_null() => cb,
        _ => return ptr::null_mut(),
    };
    // Raw pointers are not Send; the caller promised it stays valid until the stop.
    let user = user_data as usize;
    let thread = std::thread::spawn(move || {
        for n in 1..=u64::from(frames) {
            cb(user as *mut c_void, n);
        }
    });
    Box::into_raw(Box::new(MoqListener { thread: Some(thread) }))
}

/// Waits for a listener's thread to finish and releases it. Null is a no-op.
///
/// # Safety
/// `listener` must be null or a listener from `moq_subscriber_listen` not yet stopped.
#[no_mangle]
pub unsafe extern "C" fn moq_listener_stop(listener: *mut MoqListener) {
    if !listener.is_null() {
        let mut l = Box::from_raw(listener);
        if let Some(t) = l.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests;
