//! Field names, interned: every name a document uses is stored once for the process and a
//! document's nodes carry its number (4 bytes) instead of the text.
//!
//! The table only grows, and a name's number never changes once given, so nothing that is
//! computed from documents depends on the order names were first met: numbers are compared
//! for equality, and sorted only to bring equal ones together (the model groups parts by
//! their ARN's number, then orders resources by the ARN's text); they are never printed.
//! Reading a name by its number takes no lock;
//! interning takes one only for a name the calling thread has not met before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

/// An interned field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(u32);

const CHUNK: usize = 1024;
/// The most names a thread keeps at hand.
const CACHED: usize = 1 << 15;
const CHUNKS: usize = 1 << 16;
// A document's slot keeps a name's number in 28 bits.
const _: () = assert!(CHUNK * CHUNKS <= 1 << 28);

/// Names by number, in chunks filled once each (so a reader never waits for a writer).
static BY_NUMBER: [OnceLock<Box<[OnceLock<&'static str>]>>; CHUNKS] =
    [const { OnceLock::new() }; CHUNKS];

/// Numbers by name; the lock is taken to intern a name this thread has not cached. Hashed
/// with a seed per process, as the caches are (the input chooses the names).
static BY_NAME: OnceLock<Mutex<HashMap<&'static str, u32, foldhash::fast::RandomState>>> =
    OnceLock::new();

thread_local! {
    static CACHE: RefCell<HashMap<&'static str, Name, foldhash::fast::RandomState>> =
        RefCell::new(HashMap::default());
}

/// The number given to names past the table's capacity (64M distinct names): they all
/// read as this one text, which no AWS field has.
const OVERFLOW: &str = "\u{fffd}overflow";

impl Name {
    /// The empty name (array elements have no name); always number 0.
    pub const EMPTY: Name = Name(0);

    /// The number of `name`, given now if it has none.
    pub fn of(name: &str) -> Name {
        if let Some(n) = CACHE.with(|c| c.borrow().get(name).copied()) {
            return n;
        }
        let (stored, n) = intern(name);
        CACHE.with(|c| {
            let mut cache = c.borrow_mut();
            // Field names are few and met again and again; ARNs are many and met a few
            // times each: a bounded cache keeps the former without holding all the latter.
            if cache.len() < CACHED {
                cache.insert(stored, n);
            }
        });
        n
    }

    /// The name's number (below 2^26), for a document's slots.
    pub(super) fn number(self) -> u32 {
        self.0
    }

    /// The name of a number [`Name::number`] gave.
    pub(super) fn from_number(n: u32) -> Name {
        Name(n)
    }

    /// The name's text.
    pub fn as_str(self) -> &'static str {
        if self == Name::EMPTY {
            return "";
        }
        let i = self.0 as usize;
        BY_NUMBER[i / CHUNK]
            .get()
            .and_then(|chunk| chunk[i % CHUNK].get())
            .copied()
            .unwrap_or(OVERFLOW)
    }
}

fn intern(name: &str) -> (&'static str, Name) {
    let table = BY_NAME.get_or_init(|| {
        let mut ids = HashMap::with_hasher(foldhash::fast::RandomState::default());
        ids.insert("", 0);
        Mutex::new(ids)
    });
    let mut ids = table.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((&stored, &n)) = ids.get_key_value(name) {
        return (stored, Name(n));
    }
    let n = ids.len();
    if n >= CHUNK * CHUNKS {
        // Only a hostile input has this many distinct field names; its extra names share
        // one number, which matches no rule's field.
        let overflow = u32::try_from(CHUNK * CHUNKS - 1).unwrap_or(u32::MAX);
        return (OVERFLOW, Name(overflow));
    }
    // Names live as long as the process: documents refer to them until it exits.
    let stored: &'static str = Box::leak(name.to_owned().into_boxed_str());
    let chunk = BY_NUMBER[n / CHUNK].get_or_init(|| {
        (0..CHUNK)
            .map(|_| OnceLock::new())
            .collect::<Vec<_>>()
            .into_boxed_slice()
    });
    let _ = chunk[n % CHUNK].set(stored);
    let number = u32::try_from(n).unwrap_or(u32::MAX);
    ids.insert(stored, number);
    (stored, Name(number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_number_and_text() {
        let a = Name::of("VolumeId");
        let b = Name::of("SnapshotId");
        assert_ne!(a, b);
        assert_eq!(Name::of("VolumeId"), a);
        assert_eq!(a.as_str(), "VolumeId");
        assert_eq!(b.as_str(), "SnapshotId");
    }

    #[test]
    fn threads_agree_on_numbers() {
        let names: Vec<String> = (0..2000).map(|i| format!("threaded-{i}")).collect();
        let numbers: Vec<Vec<Name>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| names.iter().map(|n| Name::of(n)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for other in &numbers[1..] {
            assert_eq!(other, &numbers[0]);
        }
        for (name, n) in names.iter().zip(&numbers[0]) {
            assert_eq!(n.as_str(), name);
        }
    }

    #[test]
    fn odd_names_are_names() {
        for s in ["", "a/b~c", "\u{202e}evil", "with \"quotes\""] {
            assert_eq!(Name::of(s).as_str(), s);
        }
    }
}
