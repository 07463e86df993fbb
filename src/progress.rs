//! What a scan tells about its progress while it reads: how much there is to read, and each
//! file or object as it is done. The CLI draws a bar from it on a terminal; tests count.

/// Receives a scan's progress from the reading threads.
pub trait Progress: Send + Sync {
    /// Everything to read is known: `files` files and objects, `bytes` bytes as stored
    /// (compressed, for `.json.gz`).
    fn planned(&self, files: u64, bytes: u64);
    /// One file or object has been read (or has failed), `bytes` bytes as stored.
    fn done(&self, bytes: u64);
    /// Reading is over; what follows (the model, the rules) is quick.
    fn finished(&self);
}
