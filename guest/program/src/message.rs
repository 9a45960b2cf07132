//! The diagnostic handed to the host.

use core::fmt::Write;

/// Longest message the host keeps; longer ones are cut.
const MAX_MESSAGE: usize = 256;

pub fn set(bytes: &[u8]) {
    let len = bytes.len().min(MAX_MESSAGE);
    // SAFETY: `bytes[..len]` is readable for the duration of the call.
    unsafe { crate::set_message(bytes.as_ptr(), len as u32) }
}

/// Formats without allocating: the panic may be an allocation failure.
pub fn set_panic(info: &core::panic::PanicInfo) {
    let mut buf = Buffer {
        bytes: [0; MAX_MESSAGE],
        len: 0,
    };
    let _ = write!(buf, "panic: {}", info.message());
    set(&buf.bytes[..buf.len]);
}

struct Buffer {
    bytes: [u8; MAX_MESSAGE],
    len: usize,
}

impl Write for Buffer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0; 4];
            let c = c.encode_utf8(&mut utf8).as_bytes();
            if self.len + c.len() > MAX_MESSAGE {
                return Err(core::fmt::Error);
            }
            self.bytes[self.len..self.len + c.len()].copy_from_slice(c);
            self.len += c.len();
        }
        Ok(())
    }
}
