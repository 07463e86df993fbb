//! The configuration file: `atrest.yml` in the working directory, or `--config FILE`. It
//! sets defaults for the command line (formats, `fail-on`, rule directories, rule
//! selection) and holds the governed exceptions (`ignore:`), each with its reason, owner and
//! expiry. Flags given on the command line win over the file.

mod ignore;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

pub use ignore::{Entry, apply};

/// The file looked for in the working directory when no `--config` is given.
pub const DEFAULT_FILE: &str = "atrest.yml";

/// A configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    output_format: Vec<String>,
    #[serde(default)]
    fail_on: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    only: Vec<String>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    no_builtin_rules: Option<bool>,
    #[serde(default)]
    sarif_category: Option<String>,
    #[serde(default)]
    ignore: Vec<Spanned<ignore::RawEntry>>,
}

/// What a configuration file says.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from (none: no file, every default is atrest's).
    pub path: Option<PathBuf>,
    pub format: Option<String>,
    pub output_formats: Vec<String>,
    pub fail_on: Option<String>,
    /// Rule directories, relative to the file's directory.
    pub rules: Vec<PathBuf>,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub no_builtin_rules: bool,
    pub sarif_category: Option<String>,
    pub ignore: Vec<Entry>,
}

/// A configuration file that cannot be used: the run stops with exit 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", crate::output::display_path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl Config {
    /// The file named by `--config`, or `atrest.yml` in the working directory if there is
    /// one, or no file at all.
    pub fn discover(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        match explicit {
            Some(path) => Config::load(path),
            None => {
                let path = Path::new(DEFAULT_FILE);
                if path.is_file() {
                    Config::load(path)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message,
        };
        let meta = std::fs::metadata(path)
            .map_err(|e| error(format!("cannot read the configuration file: {e}")))?;
        // A configuration is a few hundred lines; anything far larger is not one.
        const MAX: u64 = 4 << 20;
        if meta.len() > MAX {
            return Err(error(format!(
                "the configuration file is {} bytes, more than the {MAX} a configuration may have",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(format!("cannot read the configuration file: {e}")))?;
        Config::parse(path, &text)
    }

    /// Reads a configuration from its text (`path` names it in errors and resolves rule
    /// directories).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let shown = path.to_string_lossy();
        // An empty file (or one holding only comments) is a configuration that says nothing.
        let raw: Raw = if text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "---"
        }) {
            Raw::default()
        } else {
            crate::rules::from_yaml(&shown, text).map_err(|e| ConfigError {
                path: path.to_path_buf(),
                line: e.line,
                column: e.column,
                message: e.message,
            })?
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let mut ignore = Vec::with_capacity(raw.ignore.len());
        for entry in raw.ignore {
            ignore.push(Entry::from_raw(path, entry)?);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            format: raw.format,
            output_formats: raw.output_format,
            fail_on: raw.fail_on,
            rules: raw.rules.iter().map(|d| base.join(d)).collect(),
            only: raw.only,
            skip: raw.skip,
            no_builtin_rules: raw.no_builtin_rules.unwrap_or(false),
            sarif_category: raw.sarif_category,
            ignore,
        })
    }
}

#[cfg(test)]
mod tests;
