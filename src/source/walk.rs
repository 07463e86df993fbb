//! Finding input files under the paths given on the command line.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

use super::not_regular;

/// What walking the inputs found: the files to read, and what could not be walked or was
/// left out (a FIFO, a symbolic link out of the tree).
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Names a directory walk picks up. A file named explicitly is always read, whatever its name.
pub(super) fn is_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if name.starts_with('.') {
        return false;
    }
    // CloudTrail digest files (`..._CloudTrail-Digest_...json.gz`) are signatures, not events.
    if name.contains("CloudTrail-Digest") {
        return false;
    }
    [
        ".json",
        ".json.gz",
        ".jsonl",
        ".jsonl.gz",
        ".ndjson",
        ".ndjson.gz",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

/// Expands files and directories into a sorted, de-duplicated list of regular files. Inside
/// a directory, a symbolic link that leads out of it is not followed unless
/// `follow_symlinks`: scanning an export must not read whatever its links point at. Links
/// named on the command line are followed: the user named them.
pub fn discover(inputs: &[PathBuf], follow_symlinks: bool) -> Discovered {
    let mut out = Discovered::default();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => out
                .diagnostics
                .push(Diagnostic::error(input, format!("cannot read: {e}"))),
            Ok(meta) if meta.is_dir() => walk(input, follow_symlinks, &mut out),
            Ok(meta) => match not_regular(&meta) {
                None => out.files.push(input.clone()),
                Some(what) => out.diagnostics.push(Diagnostic::error(
                    input,
                    format!("not a regular file ({what}): not read"),
                )),
            },
        }
    }
    // Byte order of the whole path: as deterministic as component order, and cheaper.
    out.files
        .sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    out.files.dedup();
    out
}

fn walk(root: &Path, follow_symlinks: bool, out: &mut Discovered) {
    // Where the tree really is: a link is inside it when its target is under this.
    let tree = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut left_out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            // Hidden directories (`.git`, ...) are never inputs; the root may be one.
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if follow_symlinks || !e.path_is_symlink() {
                return true;
            }
            match std::fs::canonicalize(e.path()) {
                Ok(target) if !target.starts_with(&tree) => {
                    left_out.push(Diagnostic::warning(
                        e.path(),
                        format!(
                            "symbolic link to {}, outside {}: not followed (--follow-symlinks \
                             follows it)",
                            target.display(),
                            root.display()
                        ),
                    ));
                    false
                }
                // Inside the tree; or dangling, which the walk reports.
                _ => true,
            }
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_dir() || !is_candidate(e.path()) => {}
            Ok(e) if e.file_type().is_file() => out.files.push(e.into_path()),
            Ok(e) => {
                // A FIFO or a device named like an input: never opened (a FIFO blocks).
                let what = std::fs::metadata(e.path())
                    .ok()
                    .and_then(|m| not_regular(&m))
                    .unwrap_or("not a file or directory");
                out.diagnostics.push(Diagnostic::error(
                    e.path(),
                    format!("not a regular file ({what}): not read"),
                ));
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                out.diagnostics
                    .push(Diagnostic::error(path, format!("cannot read: {e}")));
            }
        }
    }
    out.diagnostics.append(&mut left_out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates() {
        assert!(is_candidate(Path::new("a/describe-key--k.json")));
        assert!(is_candidate(Path::new("a/get-bucket-policy--b.error.json")));
        assert!(is_candidate(Path::new(
            "x/1_CloudTrail_us-east-1_20250306T0320Z_Z.json.gz"
        )));
        assert!(!is_candidate(Path::new(
            "x/1_CloudTrail-Digest_us-east-1_2025.json.gz"
        )));
        assert!(!is_candidate(Path::new("x/README.md")));
        assert!(!is_candidate(Path::new("x/.hidden.json")));
    }
}
