//! Finding input files under the paths given on the command line.

use std::path::{Path, PathBuf};

/// What walking the inputs found: the files to read, and paths that could not be walked.
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
}

/// Names a directory walk picks up. A file named explicitly is always read, whatever its name.
fn is_candidate(path: &Path) -> bool {
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

/// Expands files and directories into a sorted, de-duplicated list of files.
pub fn discover(inputs: &[PathBuf]) -> Discovered {
    let mut out = Discovered::default();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => out.errors.push((input.clone(), e.to_string())),
            Ok(meta) if meta.is_dir() => {
                let walker = walkdir::WalkDir::new(input)
                    .follow_links(true)
                    .into_iter()
                    // Hidden directories (`.git`, ...) are never inputs; the root may be one.
                    .filter_entry(|e| {
                        e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                    });
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() && is_candidate(e.path()) => {
                            out.files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let path = e
                                .path()
                                .map(Path::to_path_buf)
                                .unwrap_or_else(|| input.clone());
                            out.errors.push((path, e.to_string()));
                        }
                    }
                }
            }
            Ok(_) => out.files.push(input.clone()),
        }
    }
    // Byte order of the whole path: as deterministic as component order, and cheaper.
    out.files
        .sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    out.files.dedup();
    out
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
