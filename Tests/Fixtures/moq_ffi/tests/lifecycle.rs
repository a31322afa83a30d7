//! Integration tests: object lifecycles through the C API (the `lifecycle` test binary).

use moq_ffi::*;
use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr;

fn connected_client() -> *mut MoqClient {
    let client = moq_client_create();
    let url = CString::new("https://relay.example.com/live").unwrap();
    let r = unsafe { moq_connect(client, url.as_ptr(), None, ptr::null_mut()) };
    assert_eq!(r.code, MOQ_OK);
    assert!(r.message.is_null());
    client
}

extern "C" fn count_status(user_data: *mut c_void, code: i32) {
    let counter = unsafe { &mut *(user_data as *mut i32) };
    assert_eq!(code, MOQ_OK);
    *counter += 1;
}

#[test]
fn client_lifecycle() {
    let client = connected_client();
    unsafe {
        assert_eq!(moq_is_connected(client), 1);
        let r = moq_disconnect(client);
        assert_eq!(r.code, MOQ_OK);
        moq_client_destroy(client);
    }
}

#[test]
fn connect_callback_receives_user_data() {
    let client = moq_client_create();
    let url = CString::new("https://relay.example.com").unwrap();
    let mut calls: i32 = 0;
    unsafe {
        let r = moq_connect(client, url.as_ptr(), Some(count_status), &mut calls as *mut i32 as *mut c_void);
        assert_eq!(r.code, MOQ_OK);
        moq_client_destroy(client);
    }
    assert_eq!(calls, 1);
}

#[test]
fn publisher_lifecycle() {
    let client = connected_client();
    let track = CString::new("audio/opus").unwrap();
    let payload = [1u8, 2, 3, 4];
    unsafe {
        let p = moq_publisher_create(client, track.as_ptr());
        assert!(!p.is_null());
        let r = moq_publish(p, payload.as_ptr(), payload.len());
        assert_eq!(r.code, MOQ_OK);
        moq_publisher_destroy(p);
        moq_client_destroy(client);
    }
}

#[test]
fn subscriber_lifecycle() {
    let client = connected_client();
    let track = CString::new("video/main").unwrap();
    unsafe {
        let s = moq_subscriber_create(client, track.as_ptr());
        assert!(!s.is_null());
        assert_eq!(moq_subscriber_buffered(s), 10);
        moq_subscriber_destroy(s);
        // Destroying the client after its subscriber is fine, and so is disconnecting first.
        let r = moq_disconnect(client);
        assert_eq!(r.code, MOQ_OK);
        moq_client_destroy(client);
    }
}

#[test]
fn many_clients() {
    let clients: Vec<_> = (0..16).map(|_| connected_client()).collect();
    for c in clients {
        unsafe { moq_client_destroy(c) };
    }
}

/// Leaks one subscriber: the `Box<MoqSubscriber>` (16 bytes) is definitely lost, and the
/// blocks only it points to are indirectly lost: its `Box<Buffer>` (24 bytes) and the
/// buffer's 64-byte Vec allocation, 88 bytes in 2 blocks. The client is destroyed properly.
#[cfg(feature = "leak_demo")]
#[test]
fn leak_subscriber_with_child() {
    let client = connected_client();
    let track = CString::new("video/main").unwrap();
    let sub = unsafe { moq_subscriber_create(client, track.as_ptr()) };
    assert!(!sub.is_null());
    forget_pointer(sub);
    unsafe { moq_client_destroy(client) };
}

/// Use-after-free through the C API: reads `track_id` (8 bytes at offset 0) of a destroyed
/// subscriber. ASan: heap-use-after-free READ of size 8; valgrind: Invalid read of size 8.
#[cfg(feature = "uaf_demo")]
#[test]
fn uaf_subscriber_after_destroy() {
    let client = connected_client();
    let track = CString::new("video/main").unwrap();
    unsafe {
        let sub = moq_subscriber_create(client, track.as_ptr());
        assert!(!sub.is_null());
        moq_subscriber_destroy(sub);
        let id = ptr::read_volatile(ptr::addr_of!((*sub).track_id));
        std::hint::black_box(id);
        moq_client_destroy(client);
    }
}
