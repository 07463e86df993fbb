//! The control catalog: one YAML file per framework under `catalog/`, embedded in the
//! binary. Each control cites its source and maps to rules, each with `full` coverage (the
//! rule checks what the control's audit procedure checks) or `partial` (part of it, or
//! evidence that supports it without deciding it).

use serde::Deserialize;

/// The embedded catalogs, in the order `atrest report --list` shows them.
const FILES: &[(&str, &str)] = &[
    (
        "catalog/cis-aws-v3.0.yml",
        include_str!("../../catalog/cis-aws-v3.0.yml"),
    ),
    (
        "catalog/cis-aws-v4.0.yml",
        include_str!("../../catalog/cis-aws-v4.0.yml"),
    ),
    (
        "catalog/cis-aws-v5.0.yml",
        include_str!("../../catalog/cis-aws-v5.0.yml"),
    ),
    (
        "catalog/cis-aws-v7.0.yml",
        include_str!("../../catalog/cis-aws-v7.0.yml"),
    ),
    (
        "catalog/aws-fsbp.yml",
        include_str!("../../catalog/aws-fsbp.yml"),
    ),
    (
        "catalog/pci-dss-v4.0.yml",
        include_str!("../../catalog/pci-dss-v4.0.yml"),
    ),
    (
        "catalog/nist-800-53-r5.yml",
        include_str!("../../catalog/nist-800-53-r5.yml"),
    ),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub id: String,
    pub name: String,
    pub version: String,
    pub catalog_version: String,
    pub source: Source,
    pub scope: String,
    pub controls: Vec<Control>,
    /// The file it was read from.
    #[serde(skip)]
    pub path: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub level: String,
    /// How the framework itself classes the control.
    pub assessment: Assessment,
    pub source: String,
    pub decided: Decided,
    /// What the framework's audit procedure checks.
    pub audit: String,
    #[serde(default)]
    pub rules: Vec<Mapping>,
    /// Event rules whose findings are evidence for a control atrest cannot decide.
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    Automated,
    Manual,
}

/// Whether each resource must pass, or the account as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decided {
    /// Every in-scope resource must pass every full rule.
    PerResource,
    /// The account meets the control when one of its in-scope resources passes every full
    /// rule (one multi-Region trail that logs suffices; the other trails do not fail it).
    PerAccount,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub rule: String,
    pub coverage: Coverage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Coverage {
    Full,
    Partial,
}

impl Coverage {
    pub fn name(self) -> &'static str {
        match self {
            Coverage::Full => "full",
            Coverage::Partial => "partial",
        }
    }
}

impl Decided {
    pub fn name(self) -> &'static str {
        match self {
            Decided::PerResource => "per_resource",
            Decided::PerAccount => "per_account",
        }
    }
}

impl Assessment {
    pub fn name(self) -> &'static str {
        match self {
            Assessment::Automated => "automated",
            Assessment::Manual => "manual",
        }
    }
}

/// Every embedded catalog. A catalog that does not parse is a bug of this build, caught by
/// the test suite; it is reported rather than panicking.
pub fn all() -> Result<Vec<Catalog>, String> {
    FILES.iter().map(|(path, text)| parse(path, text)).collect()
}

/// The catalog of framework `id`.
pub fn find(id: &str) -> Result<Catalog, String> {
    let all = all()?;
    let ids: Vec<String> = all.iter().map(|c| c.id.clone()).collect();
    all.into_iter().find(|c| c.id == id).ok_or_else(|| {
        format!(
            "no framework `{id}` (atrest report --list shows them: {})",
            ids.join(", ")
        )
    })
}

pub fn parse(path: &str, text: &str) -> Result<Catalog, String> {
    let mut catalog: Catalog = crate::rules::from_yaml(path, text).map_err(|e| {
        let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{path}{at}: {}", e.message)
    })?;
    catalog.path = path.to_owned();
    Ok(catalog)
}

/// The paths of the embedded catalog files (for the test that every file is embedded).
pub fn embedded_paths() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(p, _)| *p)
}
