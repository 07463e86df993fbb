//! A moto server (`pip install 'moto[server]'`) on a free loopback port, for the tests that
//! reach AWS through the SDK (feature `aws`): without `moto_server` on the PATH a test says
//! it is skipped, unless `ATREST_REQUIRE_MOTO` is set (CI sets it), when it fails.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A moto server on a free port, stopped when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
    log: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Moto {
    // A skipped server test says so, or a run without moto would look like a pass.
    #[allow(clippy::print_stderr)]
    pub fn start() -> Option<Moto> {
        let found = Command::new("moto_server")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            assert!(
                std::env::var_os("ATREST_REQUIRE_MOTO").is_none(),
                "moto_server is not on the PATH (pip install 'moto[server]')"
            );
            eprintln!("s3_server: skipped (moto_server not found; pip install 'moto[server]')");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let amis = dir.path().join("amis.json");
        std::fs::write(&amis, "[]").expect("write");
        let log = dir.path().join("moto.log");
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_AMIS_PATH", &amis)
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .expect("moto_server starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
            dir,
        })
    }

    /// The requests the server has logged so far: method and decoded path with query.
    pub fn requests(&self) -> Vec<(String, String)> {
        let file = std::fs::File::open(&self.log).expect("log");
        BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| {
                let quoted = line.split('"').nth(1)?;
                let mut parts = quoted.split(' ');
                let method = parts.next()?.to_owned();
                let target = parts.next()?;
                Some((method, decode(target)))
            })
            .collect()
    }

    /// atrest with an AWS configuration that can only reach this server.
    pub fn atrest(&self, args: &[&str]) -> (i32, Value, String) {
        self.atrest_at(&self.endpoint, "2", args)
    }

    /// atrest sending its requests to `endpoint` (this server, or a proxy in front of it),
    /// each tried `attempts` times.
    pub fn atrest_at(&self, endpoint: &str, attempts: &str, args: &[&str]) -> (i32, Value, String) {
        let mut all = args.to_vec();
        all.extend(["--max-attempts", attempts]);
        atrest_against(endpoint, self.dir.path(), &all)
    }
}

/// atrest with an AWS configuration that can only reach `endpoint`: throw-away credentials,
/// an empty configuration file under `dir`, no profile, no instance metadata. Gives the exit
/// code, the report on stdout (null when it is not JSON) and stderr.
pub fn atrest_against(endpoint: &str, dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let config = dir.join("aws-config");
    std::fs::write(&config, "").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_atrest"))
        .args(args)
        .args(["--endpoint-url", endpoint])
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &config)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("atrest runs");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), report, stderr)
}

/// A Python stand-in for an AWS endpoint (tests/throttle/proxy.py, tests/lookup/server.py):
/// it prints the port it listens on, then one line per request, kept in a file.
pub struct StandIn {
    child: Child,
    pub endpoint: String,
    log: PathBuf,
}

impl StandIn {
    /// Runs `script` (relative to the crate root) with `args`; its request lines go to `log`.
    pub fn start(script: &str, args: &[&str], log: PathBuf) -> StandIn {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
        let mut child = Command::new("python3")
            .arg(script)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the stand-in");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        out.read_line(&mut first).expect("the stand-in's port");
        let port: u16 = first.trim().parse().expect("a port number");
        let mut file = std::fs::File::create(&log).expect("log");
        std::thread::spawn(move || std::io::copy(&mut out, &mut file));
        StandIn {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// The request lines logged so far.
    pub fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
