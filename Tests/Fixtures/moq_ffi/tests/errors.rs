//! Integration tests: error paths (the `errors` test binary). Every error message is freed
//! with moq_free_str, except in leak_error_message (leak_demo feature).

use moq_ffi::*;
use std::ffi::{CStr, CString};
use std::ptr;

#[test]
fn bad_scheme_is_an_error_with_message() {
    let client = moq_client_create();
    let url = CString::new("http://relay.example.com").unwrap();
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_ERR_INVALID_URL);
        assert_eq!(CStr::from_ptr(r.message).to_str().unwrap(), INVALID_URL_MESSAGE);
        moq_free_str(r.message);
        assert_eq!(moq_is_connected(client), 0);
        moq_client_destroy(client);
    }
}

#[test]
fn empty_host_is_an_error() {
    let client = moq_client_create();
    let url = CString::new("https://").unwrap();
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_ERR_INVALID_URL);
        moq_free_str(r.message);
        moq_client_destroy(client);
    }
}

#[test]
fn null_arguments_are_errors() {
    let url = CString::new("https://relay.example.com").unwrap();
    unsafe {
        let r = moq_connect(ptr::null_mut(), url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_ERR_INVALID_ARGUMENT);
        assert_eq!(CStr::from_ptr(r.message).to_bytes(), NULL_ARGUMENT_MESSAGE.as_bytes());
        moq_free_str(r.message);
        let r = moq_disconnect(ptr::null_mut());
        assert_eq!(r.code, MOQ_ERR_INVALID_ARGUMENT);
        moq_free_str(r.message);
        let r = moq_publish(ptr::null_mut(), ptr::null(), 0);
        assert_eq!(r.code, MOQ_ERR_INVALID_ARGUMENT);
        moq_free_str(r.message);
        assert_eq!(moq_is_connected(ptr::null()), -1);
        assert_eq!(moq_subscriber_buffered(ptr::null()), -1);
    }
}

#[test]
fn create_on_disconnected_client_returns_null() {
    let client = moq_client_create();
    let track = CString::new("video/main").unwrap();
    unsafe {
        assert!(moq_publisher_create(client, track.as_ptr()).is_null());
        assert!(moq_subscriber_create(client, track.as_ptr()).is_null());
        let r = moq_disconnect(client);
        assert_eq!(r.code, MOQ_ERR_NOT_CONNECTED);
        moq_free_str(r.message);
        moq_client_destroy(client);
    }
}

/// Leaks the error message of a failed connect: a CString of the 36-character
/// INVALID_URL_MESSAGE, i.e. 37 bytes in 1 block, definitely lost. The client is destroyed.
#[cfg(feature = "leak_demo")]
#[test]
fn leak_error_message() {
    let client = moq_client_create();
    let url = CString::new("ftp://relay.example.com").unwrap();
    let r = unsafe { moq_connect(client, url.as_ptr(), None, ptr::null_mut()) };
    assert_eq!(r.code, MOQ_ERR_INVALID_URL);
    assert!(!r.message.is_null());
    // Deliberately no moq_free_str(r.message).
    forget_pointer(r.message);
    unsafe { moq_client_destroy(client) };
}

/// A test that fails an assertion ("a failing test is never green").
#[cfg(feature = "failing_test")]
#[test]
fn failing_assertion() {
    let client = moq_client_create();
    let url = CString::new("https://relay.example.com").unwrap();
    let r = unsafe { moq_connect(client, url.as_ptr(), None, ptr::null_mut()) };
    unsafe { moq_client_destroy(client) };
    assert_eq!(r.code, MOQ_ERR_INVALID_URL, "failing_test feature: deliberate assertion failure");
}
