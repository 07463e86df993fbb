//! Sources: the files atrest reads, found by walking the paths a user names, and read back
//! (decompressed when gzip) both for parsing and, lazily, to resolve a finding's location.

mod walk;

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

/// Reads a whole file, decompressed. Used for configuration files (small) and to show
/// the lines of a reported finding.
pub fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let (text, err) = read_partial(path)?;
    match err {
        Some(e) => Err(e),
        None => Ok(text),
    }
}

/// Reads a whole file, decompressed; when decompression fails part-way (a truncated or
/// corrupt gzip file), returns what was decompressed before the failure with the error,
/// so that the records before it are not lost.
pub fn read_partial(path: &Path) -> io::Result<(Vec<u8>, Option<io::Error>)> {
    let raw = std::fs::read(path)?;
    if !is_gzip(&raw) {
        return Ok((raw, None));
    }
    let mut out = Vec::with_capacity(raw.len().saturating_mul(8));
    let mut decoder = flate2::read::MultiGzDecoder::new(raw.as_slice());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => return Ok((out, None)),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Ok((out, Some(e))),
        }
    }
}
