use std::path::Path;

use super::ignore::glob;
use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("conf/atrest.yml"), text)
}

#[test]
fn defaults_and_entries_are_read() {
    let c = parse(
        "format: sarif\nfail-on: high\nrules: [extra]\nskip: [s3-*]\nignore:\n  - rule: ebs-volume-unencrypted\n    resource: \"arn:aws:ec2:*:volume/vol-1*\"\n    reason: scratch volumes\n    owner: ops@example.com\n    expires: 2027-01-31\n",
    )
    .expect("valid");
    assert_eq!(c.format.as_deref(), Some("sarif"));
    assert_eq!(c.fail_on.as_deref(), Some("high"));
    assert_eq!(c.rules, [Path::new("conf/extra")], "relative to the file");
    assert_eq!(c.skip, ["s3-*"]);
    let e = &c.ignore[0];
    assert_eq!((e.line, e.column), (6, 5));
    assert_eq!(e.expires.to_string(), "2027-01-31");
    assert_eq!(e.reason, "scratch volumes");
}

#[test]
fn an_entry_without_reason_owner_or_expiry_is_an_error_at_its_line() {
    let base = "ignore:\n  - rule: r\n    reason: why\n    owner: me\n    expires: 2027-01-01\n";
    assert!(parse(base).is_ok());
    for (drop, what) in [
        ("    reason: why\n", "reason"),
        ("    owner: me\n", "owner"),
        ("    expires: 2027-01-01\n", "expires"),
    ] {
        let text = base.replace(drop, "");
        let e = parse(&text).expect_err("refused");
        assert_eq!(e.line, Some(2), "{what}");
        assert!(e.message.contains(&format!("no `{what}`")), "{}", e.message);
        assert!(
            e.message.contains("the ignore entry for r"),
            "{}",
            e.message
        );
    }
    let e = parse(&base.replace("2027-01-01", "next spring")).expect_err("not a date");
    assert!(e.message.contains("is not a date"), "{}", e.message);
    let e = parse(&base.replace("reason: why", "reason: \"  \"")).expect_err("blank reason");
    assert!(e.message.contains("no `reason`"), "{}", e.message);
}

#[test]
fn unknown_keys_and_bad_yaml_are_errors_with_positions() {
    let e = parse("fail_on: high\n").expect_err("unknown key");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("fail_on"), "{}", e.message);
    let e = parse("ignore:\n  - rule: r\n    reasons: x\n").expect_err("unknown entry key");
    assert_eq!(e.line, Some(3), "{e}");
    let e = parse("ignore: [\n").expect_err("broken");
    assert!(e.line.is_some(), "{e}");
    assert!(e.to_string().starts_with("conf/atrest.yml:"), "{e}");
}

#[test]
fn an_empty_file_says_nothing() {
    let c = parse("# nothing yet\n\n").expect("empty is fine");
    assert!(c.ignore.is_empty() && c.format.is_none());
}

#[test]
fn globs() {
    assert!(glob("arn:aws:s3:::logs-*", "arn:aws:s3:::logs-2026"));
    assert!(glob("*", ""));
    assert!(glob("a*b*c", "axxbyyc"));
    assert!(glob("a?c", "abc"));
    assert!(!glob("a?c", "ac"));
    assert!(!glob("arn:aws:s3:::logs-*", "arn:aws:s3:::other"));
    assert!(glob(
        "*:volume/vol-1*",
        "arn:aws:ec2:us-east-1:1:volume/vol-123"
    ));
    assert!(
        !glob("abc", "abcd"),
        "a pattern without * matches the whole text"
    );
    assert!(glob("é*", "été"));
}
