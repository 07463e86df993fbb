//! Writing the files of a planned account, service by service, the way the export script
//! keeps the AWS CLI's output (docs/export-format.md).

mod cloudtrail;
mod data;
mod ec2;
mod kms;
mod rds;
mod s3;
mod stores;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::ser::PrettyFormatter;

use crate::json::{J, emit, obj};
use crate::plan::Account;

/// Writes `account` under `dir`: account-wide services in its first region's directory.
pub(crate) fn account(account: &Account, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    for (r, region) in account.regions.iter().enumerate() {
        let rdir = dir.join(&region.name);
        let sub = |s: &str| -> io::Result<PathBuf> {
            let d = rdir.join(s);
            fs::create_dir_all(&d)?;
            Ok(d)
        };
        if r == 0 {
            sts(account, &sub("sts")?, sink)?;
            s3::render(account, &sub("s3")?, &sub("s3control")?, sink)?;
        }
        kms::render(account, region, &sub("kms")?, sink)?;
        ec2::render(account, region, &sub("ec2")?, sink)?;
        rds::render(account, region, &sub("rds")?, sink)?;
        cloudtrail::render(account, r, &sub("cloudtrail")?, sink)?;
        let stores = [sub("efs")?, sub("secretsmanager")?, sub("ssm")?];
        stores::render(account, region, [&stores[0], &stores[1], &stores[2]], sink)?;
        data::render(account, region, &rdir, sink)?;
    }
    Ok(())
}

fn sts(account: &Account, dir: &Path, sink: &mut Sink) -> io::Result<()> {
    let v = obj! {
        "UserId" => &account.user_id,
        "Account" => &account.id,
        "Arn" => format!("arn:aws:iam::{}:user/atrest-auditor", account.id),
    };
    sink.json(&dir.join("get-caller-identity.json"), &v)
}

/// Counts bytes on their way to a file.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes files the way the export script keeps the CLI's output.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) files: usize,
    pub(crate) bytes: u64,
}

impl Sink {
    /// What `aws ... --output json` prints: 4-space indentation and a final newline.
    pub(crate) fn json(&mut self, path: &Path, v: &J) -> io::Result<()> {
        let mut w = Counting {
            inner: BufWriter::with_capacity(1 << 14, File::create(path)?),
            bytes: 0,
        };
        emit(&mut w, &mut PrettyFormatter::with_indent(b"    "), v)?;
        w.write_all(b"\n")?;
        w.flush()?;
        self.files += 1;
        self.bytes += w.bytes;
        Ok(())
    }

    /// A call that printed nothing.
    pub(crate) fn empty(&mut self, path: &Path) -> io::Result<()> {
        File::create(path)?;
        self.files += 1;
        Ok(())
    }

    /// A failed call, kept as `<api>[--<resource>].error.json`.
    pub(crate) fn error(
        &mut self,
        dir: &Path,
        stem: &str,
        code: &str,
        op: &str,
        msg: &str,
    ) -> io::Result<()> {
        let v = obj! {
            "exit_code" => 254usize,
            "error_code" => code,
            "stderr" => format!("An error occurred ({code}) when calling the {op} operation: {msg}"),
        };
        self.json(&dir.join(format!("{stem}.error.json")), &v)
    }
}

/// The `--<resource>` part of a file name: `%` and `/` escaped.
pub(crate) fn file(api: &str, resource: &str) -> String {
    let r = resource.replace('%', "%25").replace('/', "%2F");
    format!("{api}--{r}")
}
