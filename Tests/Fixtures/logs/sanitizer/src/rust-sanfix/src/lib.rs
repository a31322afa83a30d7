//! std-only fixture crate for sanitizer logs.

/// A parent that owns a heap child: leaking the parent makes LSan report the
/// parent as a direct leak and the child's buffer as an indirect one.
pub struct Parent {
    pub id: u64,
    pub child: Box<Child>,
}

pub struct Child {
    pub data: [u8; 64],
}

/// Leaks one Parent (16 bytes: id + pointer) which owns one Child (64 bytes).
#[inline(never)]
pub fn leak_box_with_child() -> *mut Parent {
    let p = Box::new(Parent { id: 7, child: Box::new(Child { data: [1; 64] }) });
    Box::into_raw(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaks_box_child() {
        let p = leak_box_with_child();
        assert!(!p.is_null());
    }

    #[test]
    fn does_not_leak() {
        let v = vec![1u8; 32];
        assert_eq!(v.len(), 32);
    }
}
