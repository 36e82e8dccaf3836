//! Length-prefixed framing (int32 size, then that many bytes) and request-header peeking.
//! Pure byte manipulation: no sockets.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Default cap on one request (Kafka's `socket.request.max.bytes`).
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 104_857_600;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("frame size {size} is negative or above the limit of {max} bytes")]
    TooLarge { size: i64, max: usize },
    #[error("frame of {0} bytes is too short for a request header")]
    TooShort(usize),
}

/// The fixed part of every request header: enough to route or reject a request
/// before its body is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestPrefix {
    pub api_key: i16,
    pub api_version: i16,
    pub correlation_id: i32,
}

/// Read the api key, version and correlation id from the start of a request frame.
pub fn peek_request_prefix(frame: &[u8]) -> Result<RequestPrefix, FrameError> {
    if frame.len() < 8 {
        return Err(FrameError::TooShort(frame.len()));
    }
    let mut b = &frame[..8];
    Ok(RequestPrefix {
        api_key: b.get_i16(),
        api_version: b.get_i16(),
        correlation_id: b.get_i32(),
    })
}

/// Validate a frame length read from the wire.
pub fn check_frame_size(size: i32, max: usize) -> Result<usize, FrameError> {
    if size < 0 || size as i64 > max as i64 {
        return Err(FrameError::TooLarge {
            size: size as i64,
            max,
        });
    }
    Ok(size as usize)
}

/// Start a frame: reserve the 4-byte length, to be filled by [`finish_frame`].
pub fn start_frame(buf: &mut BytesMut) -> usize {
    let at = buf.len();
    buf.put_i32(0);
    at
}

/// Fill in the length reserved by [`start_frame`].
pub fn finish_frame(buf: &mut BytesMut, at: usize) -> Bytes {
    let len = (buf.len() - at - 4) as i32;
    buf[at..at + 4].copy_from_slice(&len.to_be_bytes());
    buf.split().freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_reads_key_version_correlation() {
        let frame = [0, 18, 0, 3, 0, 0, 0, 7, 0xff];
        let p = peek_request_prefix(&frame).unwrap();
        assert_eq!(
            p,
            RequestPrefix {
                api_key: 18,
                api_version: 3,
                correlation_id: 7
            }
        );
        assert_eq!(
            peek_request_prefix(&frame[..5]),
            Err(FrameError::TooShort(5))
        );
    }

    #[test]
    fn frame_size_limits() {
        assert_eq!(check_frame_size(10, 100), Ok(10));
        assert!(check_frame_size(-1, 100).is_err());
        assert!(check_frame_size(101, 100).is_err());
    }

    #[test]
    fn frame_roundtrip_length() {
        let mut b = BytesMut::new();
        let at = start_frame(&mut b);
        b.put_slice(b"hello");
        let f = finish_frame(&mut b, at);
        assert_eq!(&f[..4], &5i32.to_be_bytes());
        assert_eq!(&f[4..], b"hello");
    }
}
