//! Integration tests: publishers and subscribers together (the `pubsub` test binary).
//! Always clean, with every feature, so a multi-binary run has a clean binary.

use moq_ffi::*;
use std::ffi::CString;
use std::ptr;

#[test]
fn publish_then_subscribe_several_tracks() {
    let client = moq_client_create();
    let url = CString::new("https://relay.example.com").unwrap();
    unsafe {
        let r = moq_connect(client, url.as_ptr(), None, ptr::null_mut());
        assert_eq!(r.code, MOQ_OK);
        let names: Vec<CString> = (0..4).map(|i| CString::new(format!("track/{i}")).unwrap()).collect();
        let pubs: Vec<_> = names.iter().map(|n| moq_publisher_create(client, n.as_ptr())).collect();
        let subs: Vec<_> = names.iter().map(|n| moq_subscriber_create(client, n.as_ptr())).collect();
        for p in &pubs {
            let data = [0u8; 32];
            assert_eq!(moq_publish(*p, data.as_ptr(), data.len()).code, MOQ_OK);
        }
        for s in &subs {
            assert_eq!(moq_subscriber_buffered(*s), 7);
        }
        for s in subs {
            moq_subscriber_destroy(s);
        }
        for p in pubs {
            moq_publisher_destroy(p);
        }
        assert_eq!(moq_disconnect(client).code, MOQ_OK);
        moq_client_destroy(client);
    }
}

#[test]
fn reconnect_keeps_no_state() {
    let client = moq_client_create();
    let url = CString::new("https://relay.example.com").unwrap();
    let track = CString::new("chat").unwrap();
    unsafe {
        for _ in 0..3 {
            assert_eq!(moq_connect(client, url.as_ptr(), None, ptr::null_mut()).code, MOQ_OK);
            let p = moq_publisher_create(client, track.as_ptr());
            moq_publisher_destroy(p);
            assert_eq!(moq_disconnect(client).code, MOQ_OK);
        }
        moq_client_destroy(client);
    }
}
