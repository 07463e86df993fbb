//! Reading the command lines of the generator examples (`--name value` or `--name=value`),
//! shared so that both read options the same way.

/// The options of a command line as (name, value) pairs, `flags` taking no value (an empty
/// one); `-h`/`--help` gives `None`.
pub fn options(
    args: impl IntoIterator<Item = String>,
    flags: &[&str],
) -> Result<Option<Vec<(String, String)>>, String> {
    let mut args = args.into_iter();
    let mut out = Vec::new();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg, None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        if flags.contains(&name.as_str()) {
            out.push((name, String::new()));
            continue;
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("{name} needs a value"))?;
        out.push((name, value));
    }
    Ok(Some(out))
}

/// A count (`3000`, `2_000_000`).
pub fn count(name: &str, v: &str) -> Result<usize, String> {
    v.replace('_', "")
        .parse()
        .map_err(|_| format!("{name}: not a count: {v:?}"))
}

/// A comma-separated list of regions.
pub fn regions(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A PRNG seed.
pub fn seed(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("--seed: not a number: {v:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_and_help() {
        let args = ["--out=d", "--events", "2_000"].map(str::to_owned);
        let opts = options(args, &["--org"])
            .expect("parses")
            .expect("not help");
        assert_eq!(
            opts,
            [
                ("--out".into(), "d".into()),
                ("--events".into(), "2_000".into())
            ]
        );
        assert_eq!(count("--events", "2_000"), Ok(2000));
        assert!(count("--events", "x").is_err());
        assert!(options(["--seed".to_owned()], &[]).is_err());
        let flag = options(["--org".to_owned()], &["--org"]).expect("parses");
        assert_eq!(flag, Some(vec![("--org".into(), String::new())]));
        assert_eq!(options(["-h".to_owned()], &[]), Ok(None));
        assert_eq!(regions("us-east-1, eu-west-1,"), ["us-east-1", "eu-west-1"]);
    }
}
