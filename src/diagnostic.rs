//! Problems with inputs (and rule files): never a panic, never the end of a scan. Each names
//! the file and, where known, the position. A message never carries a secret: it is
//! redacted when the diagnostic is made (it may quote an AWS CLI error or a broken line).

use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The input could not be read, or not completely: the scan exits with 2.
    Error,
    /// Something worth knowing that did not stop atrest from reading the input.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub level: Level,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            level: Level::Error,
            message: crate::redact::redact_text(&message.into()).into_owned(),
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// At a 1-based line and column. Column 0 (serde_json's column for an error at the start
    /// of a line) is column 1; line 0 is no position at all.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        if line == 0 {
            return self;
        }
        self.line = Some(line);
        self.column = Some(column.max(1));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_messages_redacted() {
        let d = Diagnostic::error("x.json", "bad").at(3, 0);
        assert_eq!((d.line, d.column), (Some(3), Some(1)));
        let d = Diagnostic::warning("x.json", "bad").at(0, 0);
        assert_eq!((d.line, d.column), (None, None));
        let d = Diagnostic::error("x.error.json", "aws_secret_access_key = abc");
        assert_eq!(d.message, "aws_secret_access_key = <redacted>");
    }
}
