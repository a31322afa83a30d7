//! Unit tests (the `moq_ffi` lib test binary). All of them clean up after themselves
//! except the `leak_*` ones, which exist only with the `leak_demo` feature.

use super::*;
use std::ffi::CStr;

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

#[test]
fn version_is_static_and_not_freed() {
    let v = unsafe { CStr::from_ptr(moq_version()) };
    assert!(v.to_str().unwrap().starts_with("moq_ffi-fixture"));
}

#[test]
fn client_create_destroy() {
    let client = moq_client_create();
    assert!(!client.is_null());
    unsafe {
        assert_eq!(moq_is_connected(client), 0);
        moq_client_destroy(client);
    }
}

#[test]
fn destroy_null_is_a_no_op() {
    unsafe {
        moq_client_destroy(ptr::null_mut());
        moq_publisher_destroy(ptr::null_mut());
        moq_subscriber_destroy(ptr::null_mut());
        moq_free_str(ptr::null_mut());
    }
}

#[test]
fn connect_and_disconnect() {
    let client = moq_client_create();
    let url = c("https://relay.example.com/moq");
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_OK);
        assert!(r.message.is_null());
        assert_eq!(moq_is_connected(client), 1);
        let r = moq_disconnect(client);
        assert_eq!(r.code, MOQ_OK);
        moq_client_destroy(client);
    }
}

#[test]
fn connect_bad_url_frees_message() {
    let client = moq_client_create();
    let url = c("ftp://relay.example.com");
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_ERR_INVALID_URL);
        assert!(!r.message.is_null());
        assert_eq!(CStr::from_ptr(r.message).to_str().unwrap(), INVALID_URL_MESSAGE);
        moq_free_str(r.message);
        moq_client_destroy(client);
    }
}

#[test]
fn disconnect_when_not_connected_frees_message() {
    let client = moq_client_create();
    unsafe {
        let r = moq_disconnect(client);
        assert_eq!(r.code, MOQ_ERR_NOT_CONNECTED);
        assert_eq!(CStr::from_ptr(r.message).to_bytes(), NOT_CONNECTED_MESSAGE.as_bytes());
        moq_free_str(r.message);
        moq_client_destroy(client);
    }
}

#[test]
fn subscriber_create_destroy() {
    let client = moq_client_create();
    let url = c("https://relay.example.com");
    let track = c("video/main");
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_OK);
        let sub = moq_subscriber_create(client, track.as_ptr());
        assert!(!sub.is_null());
        assert_eq!(moq_subscriber_buffered(sub), 10);
        moq_subscriber_destroy(sub);
        moq_client_destroy(client);
    }
}

#[test]
fn backend_is_selected_by_feature() {
    if cfg!(feature = "with_moq") {
        assert_eq!(backend_name(), "with_moq");
    } else {
        assert_eq!(backend_name(), "stub");
    }
}

#[test]
#[ignore = "soak test; run with --ignored"]
fn ignored_reconnect_soak() {
    let client = moq_client_create();
    let url = c("https://relay.example.com");
    for _ in 0..10_000 {
        unsafe {
            let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
            assert_eq!(r.code, MOQ_OK);
            let r = moq_disconnect(client);
            assert_eq!(r.code, MOQ_OK);
        }
    }
    unsafe { moq_client_destroy(client) };
}

/// Leaks exactly one `Box<MoqClient>` (definitely lost, one block; see EXPECTED.md for
/// the size, which depends on the backend). The client is never connected, so it owns no
/// child blocks.
#[cfg(feature = "leak_demo")]
#[test]
fn leak_client_never_destroyed() {
    let client = moq_client_create();
    assert!(!client.is_null());
    unsafe { assert_eq!(moq_is_connected(client), 0) };
    forget_pointer(client);
}
