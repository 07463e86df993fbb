//! Sources: the files atrest reads, found by walking the paths a user names, and read back
//! (decompressed when gzip) both for parsing and, lazily, to resolve a finding's location.

pub mod locate;
pub mod remote;
mod size;
mod walk;

pub use size::{DEFAULT_MAX_FILE_SIZE, format_size, parse_size};
pub use walk::{Discovered, discover};

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// Index of a source in [`Sources`]; cheap to copy into every origin record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// Every input file of a scan, in a stable order (sorted by path).
#[derive(Debug, Default)]
pub struct Sources {
    paths: Vec<PathBuf>,
}

impl Sources {
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Sources { paths }
    }

    pub fn path(&self, id: SourceId) -> &Path {
        &self.paths[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Path)> {
        self.paths
            .iter()
            .enumerate()
            .map(|(i, p)| (SourceId(i as u32), p.as_path()))
    }
}

/// Whether a file is gzip-compressed, by its magic number (the name may lie).
pub fn is_gzip(head: &[u8]) -> bool {
    head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

/// Opens a file as a byte stream, transparently decompressing gzip (multi-member too).
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    refuse_remote(path)?;
    let mut file = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let head = {
        use std::io::BufRead;
        file.fill_buf()?
            .get(..2)
            .map(|h| h.to_vec())
            .unwrap_or_default()
    };
    if is_gzip(&head) {
        Ok(Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(file),
        )))
    } else {
        Ok(Box::new(file))
    }
}

/// Why a file was not read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(io::Error),
    #[error("not a regular file ({0}): not read")]
    NotRegular(&'static str),
    #[error(
        "{} bytes, over the --max-file-size limit of {}: not read (raise the limit, e.g. \
         --max-file-size {})",
        size,
        format_size(*limit),
        format_size(size::room_for(*size))
    )]
    TooLarge { size: u64, limit: u64 },
    #[error(
        "decompresses to more than the --max-file-size limit of {} (a gzip bomb?): not read \
         (if the file is genuine, raise the limit, e.g. --max-file-size {})",
        format_size(*limit),
        format_size(limit.saturating_mul(4))
    )]
    DecompressedTooLarge { limit: u64 },
    #[error("empty gzip file: 0 bytes, not even a gzip header")]
    EmptyGzip,
}

/// What a file that is not a regular one is, for diagnostics; `None` for a regular file.
pub fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file or directory")
}

/// Reads a whole file, decompressed. Used to show the lines of a reported finding, in a
/// file the scan has already read within its limit.
pub fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let (text, err) = read_partial(path)?;
    match err {
        Some(e) => Err(e),
        None => Ok(text),
    }
}

/// [`read_limited`] without a size limit, for files the scan has already read.
pub fn read_partial(path: &Path) -> io::Result<(Vec<u8>, Option<io::Error>)> {
    match read_limited(path, u64::MAX) {
        Ok(read) => Ok((read.text, read.broken)),
        Err(ReadError::Io(e)) => Err(e),
        Err(other) => Err(io::Error::other(other.to_string())),
    }
}

/// A file's text, decompressed.
#[derive(Debug, Default)]
pub struct Text {
    pub text: Vec<u8>,
    /// Why decompression stopped before the end; `text` is what came before.
    pub broken: Option<io::Error>,
    /// How many gzip members were decompressed (0 for a file that is not gzip).
    pub gzip_members: usize,
}

/// Reads a whole file, decompressed when gzip (all members of a multi-member file). Refuses
/// what is not a regular file (a FIFO would block, `/dev/zero` never ends) and a file whose
/// size, or decompressed size, is over `limit` bytes. When decompression fails part-way (a
/// truncated or corrupt file, bytes after the last member that are not another one),
/// returns what was decompressed before the failure with the error, so that the records
/// before it are not lost.
pub fn read_limited(path: &Path, limit: u64) -> Result<Text, ReadError> {
    refuse_remote(path).map_err(ReadError::Io)?;
    let mut file = open_regular(path)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(what) = not_regular(&meta) {
        return Err(ReadError::NotRegular(what));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    if meta.len() == 0 && path.to_string_lossy().ends_with(".gz") {
        return Err(ReadError::EmptyGzip);
    }
    let raw = read_body(&mut file, meta.len(), limit).map_err(ReadError::Io)?;
    decode(raw, limit)
}

/// The text of a file's bytes (read whole, or fetched from S3): decompressed when gzip,
/// refused when they, or what they decompress to, are over `limit` bytes.
pub fn decode(raw: Vec<u8>, limit: u64) -> Result<Text, ReadError> {
    if raw.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: raw.len() as u64,
            limit,
        });
    }
    if !is_gzip(&raw) {
        return Ok(Text {
            text: raw,
            ..Text::default()
        });
    }
    gunzip(&raw, limit)
}

/// An object in S3 is fetched once, by the scan; reading it again (to show the lines of a
/// finding) would mean fetching it again, and its `s3://` name is no local path.
fn refuse_remote(path: &Path) -> io::Result<()> {
    if remote::is_remote(path) {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "an object in S3 or a looked-up event is not read again",
        ));
    }
    Ok(())
}

/// Opens a file to read it, by one lookup of its path (an export holds a file per API call
/// and resource: the lookups are a good part of reading it). On Unix without blocking, so
/// that a FIFO put where a file was is refused by its type instead of waiting for a writer.
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path).map_err(|e| {
        // A socket cannot be opened at all: say what it is.
        match std::fs::metadata(path).ok().as_ref().and_then(not_regular) {
            Some(what) => ReadError::NotRegular(what),
            None => ReadError::Io(e),
        }
    })
}

/// A file's bytes, `len` of them by its metadata: read in one call when it has not grown
/// since (the byte asked for beyond `len` is not there), else on to its end, up to one byte
/// past `limit` so that the caller sees it is over.
fn read_body(file: &mut File, len: u64, limit: u64) -> io::Result<Vec<u8>> {
    let want = usize::try_from(len).unwrap_or(usize::MAX - 1);
    let mut raw = vec![0; want + 1];
    let mut filled = 0;
    while filled < raw.len() {
        match file.read(&mut raw[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == want {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    raw.truncate(filled);
    if filled > want {
        // The file grew since it was measured.
        let room = limit.saturating_add(1).saturating_sub(filled as u64);
        file.take(room).read_to_end(&mut raw)?;
    }
    Ok(raw)
}

/// Decompresses a gzip file: in one call into a buffer of the size its trailer gives, when
/// that is the whole of it (one member, as CloudTrail writes); else member after member.
fn gunzip(raw: &[u8], limit: u64) -> Result<Text, ReadError> {
    if let Some(text) = gunzip_whole(raw, limit) {
        return Ok(Text {
            text,
            broken: None,
            gzip_members: 1,
        });
    }
    gunzip_members(raw, limit)
}

/// A one-member gzip file decoded by libdeflate into a buffer sized from its trailer (the
/// size modulo 2^32). `None` when that does not give the whole file: several members, a
/// size over the limit or not matching (a file over 4 GiB, damage), a truncated stream; the
/// member-by-member decoder then reads it, and says what is wrong.
fn gunzip_whole(raw: &[u8], limit: u64) -> Option<Vec<u8>> {
    let trailer = raw.get(raw.len().checked_sub(4)?..)?;
    let size = u64::from(u32::from_le_bytes(trailer.try_into().ok()?));
    if size == 0 || size > limit || raw.len() < 18 {
        return None;
    }
    let mut out = buffer(usize::try_from(size).ok()?);
    let mut decoder = libdeflater::Decompressor::new();
    match decoder.gzip_decompress(raw, &mut out) {
        // libdeflate decodes the first member and does not say where it ends. Another
        // member would start right after its trailer, which ends with its size: a first
        // member of this size followed by a gzip header means several members (a chance
        // match costs only the slower decoder).
        Ok(n) if n == out.len() => {
            let mut next = (size as u32).to_le_bytes().to_vec();
            next.extend_from_slice(&[0x1f, 0x8b, 0x08]);
            memchr::memmem::find(raw, &next).is_none().then_some(out)
        }
        _ => None,
    }
}

thread_local! {
    /// The buffer of the last file this thread decoded, given back by [`recycle`].
    static SPARE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A buffer of `size` bytes to decode into: the thread's spare one when there is one (its
/// memory is reused: only the bytes past its old length are zeroed), else a new one.
fn buffer(size: usize) -> Vec<u8> {
    let mut spare = SPARE.with(|s| std::mem::take(&mut *s.borrow_mut()));
    spare.resize(size, 0);
    spare
}

/// Gives the text of a file back once it has been read, for the next file this thread
/// decodes (the larger buffer is kept).
pub fn recycle(text: Vec<u8>) {
    SPARE.with(|s| {
        let mut spare = s.borrow_mut();
        if text.capacity() > spare.capacity() {
            *spare = text;
        }
    });
}

/// Decompresses every member of a gzip file, one after the other.
fn gunzip_members(raw: &[u8], limit: u64) -> Result<Text, ReadError> {
    let guess = raw.len().saturating_mul(8);
    let mut out = Text {
        text: Vec::with_capacity(usize::try_from(limit).map_or(guess, |l| guess.min(l))),
        ..Text::default()
    };
    let mut rest = raw;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let mut member = flate2::bufread::GzDecoder::new(&mut rest);
        loop {
            match member.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if (out.text.len() + n) as u64 > limit {
                        return Err(ReadError::DecompressedTooLarge { limit });
                    }
                    out.text.extend_from_slice(&buf[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    out.broken = Some(e);
                    return Ok(out);
                }
            }
        }
        drop(member);
        out.gzip_members += 1;
        if rest.is_empty() {
            return Ok(out);
        }
        // `cat a.gz b.gz` is one gzip file; anything else after a member is damage.
        if !is_gzip(rest) {
            out.broken = Some(io::Error::new(
                io::ErrorKind::InvalidData,
                match rest.len() {
                    1 => "1 byte after the end of the compressed data is not another gzip member"
                        .to_owned(),
                    n => format!(
                        "{n} bytes after the end of the compressed data are not another gzip \
                         member"
                    ),
                },
            ));
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).expect("compress");
        gz.finish().expect("compress")
    }

    /// A FIFO or a socket put where a file was (after the walk saw a file there) is refused by
    /// its type, at once: opening never waits for a writer.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_socket_is_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("log.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            match read_limited(&fifo, 1 << 20) {
                Err(ReadError::NotRegular(what)) => assert_eq!(what, "a FIFO"),
                other => panic!("a FIFO read as {other:?}"),
            }
        } else {
            eprintln!("mkfifo unavailable: the FIFO case is skipped");
        }
        let socket = dir.path().join("other.json");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("socket");
        match read_limited(&socket, 1 << 20) {
            Err(ReadError::NotRegular(what)) => assert_eq!(what, "a socket"),
            other => panic!("a socket read as {other:?}"),
        }
    }

    #[test]
    fn a_file_is_read_whole_at_any_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        for size in [0usize, 1, 4095, 4096, 65537, 1 << 20] {
            let path = dir.path().join(format!("f{size}.json"));
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &bytes).expect("write");
            let text = read_limited(&path, 1 << 21).expect("read");
            assert_eq!(text.text, bytes, "{size} bytes");
        }
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 2048]).expect("write");
        assert!(matches!(
            read_limited(&path, 1024),
            Err(ReadError::TooLarge { size: 2048, .. })
        ));
    }

    #[test]
    fn every_member_is_decompressed() {
        let mut raw = gzip(b"first ");
        raw.extend(gzip(b""));
        raw.extend(gzip(b"second"));
        let read = gunzip(&raw, 1 << 20).expect("read");
        assert_eq!(read.text, b"first second");
        assert_eq!(read.gzip_members, 3);
        assert!(read.broken.is_none());

        raw.extend_from_slice(b"\n");
        let read = gunzip(&raw, 1 << 20).expect("read");
        assert_eq!(read.text, b"first second", "what came before is kept");
        let broken = read.broken.expect("trailing bytes are damage");
        assert!(broken.to_string().starts_with("1 byte after"), "{broken}");

        let cut = &raw[..raw.len() - 8];
        assert!(gunzip(cut, 1 << 20).expect("read").broken.is_some());
        assert!(matches!(
            gunzip(&raw, 8),
            Err(ReadError::DecompressedTooLarge { limit: 8 })
        ));
    }

    /// The one-call decoder reads one member; a member between two of the same content (so
    /// the last trailer matches the first member) is not hidden.
    #[test]
    fn one_call_or_member_by_member_nothing_is_hidden() {
        let log = br#"{"Records": [{"eventName": "ListKeys"}]}"#;
        let one = gunzip(&gzip(log), 1 << 20).expect("read");
        assert_eq!((one.text.as_slice(), one.gzip_members), (&log[..], 1));
        let hidden = br#"{"Records": [{"eventName": "DisableKey"}]}"#;
        let mut raw = gzip(log);
        raw.extend(gzip(hidden));
        raw.extend(gzip(log));
        let read = gunzip(&raw, 1 << 20).expect("read");
        assert_eq!(read.gzip_members, 3);
        assert!(
            read.text.windows(10).any(|w| w == b"DisableKey"),
            "the middle member is read"
        );
        // A trailer that lies about the size: the members are decoded one by one.
        let mut lying = gzip(log);
        let n = lying.len();
        lying[n - 4..].copy_from_slice(&3u32.to_le_bytes());
        assert!(gunzip(&lying, 1 << 20).expect("read").broken.is_some());
    }
}
