//! Governed exceptions to findings: an `ignore:` entry of the configuration file or an
//! `atrest:ignore` tag on the resource itself, each with its reason, owner and expiry, and
//! the state of a finding against a baseline.

/// Where an exception was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SuppressionKind {
    /// An `ignore:` entry of the configuration file.
    Config,
    /// A tag on the resource (`atrest:ignore` = `<rule>:<reason>`).
    Inline,
}

impl SuppressionKind {
    /// SARIF's `suppression.kind`: `external` for a configuration file, `inSource` for
    /// what the data says of itself.
    pub fn sarif(self) -> &'static str {
        match self {
            SuppressionKind::Config => "external",
            SuppressionKind::Inline => "inSource",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SuppressionKind::Config => "config",
            SuppressionKind::Inline => "inline",
        }
    }
}

/// The exception that applies to a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// Who answers for it (empty for an inline tag, which names nobody).
    pub owner: String,
    /// The last day it applies (`2027-03-31`), if it expires.
    pub expires: Option<String>,
    /// Where it was written: `atrest.yml:12` or the tag's resource.
    pub origin: String,
}

/// A finding against a baseline (`--baseline FILE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaselineState {
    /// Not in the baseline.
    New,
    /// In the baseline: it does not count for `--fail-on`.
    Unchanged,
}

impl BaselineState {
    /// The name SARIF's `baselineState` and the JSON report use.
    pub fn name(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}
