//! Processes the benchmark starts: the release `app` (in a directory of its own, on a free
//! port, its address read from its `serving` log line) and the trivial HTTP handler.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// A child process serving HTTP.
pub struct Served {
    /// `http://127.0.0.1:port`.
    pub address: String,
    /// Its working directory.
    pub dir: PathBuf,
    child: Child,
}

impl Served {
    /// Starts `program args…` in `dir` with `env`, and waits for the line that names its address
    /// (`address_of` extracts it from a stdout line).
    pub fn start(
        program: &Path,
        args: &[&str],
        dir: PathBuf,
        env: &[(&str, String)],
        address_of: fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)?;
        let mut command = Command::new(program);
        command.args(args).current_dir(&dir).stdout(Stdio::piped()).stderr(Stdio::inherit());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(address) = address_of(&line) {
                    let _ = found.send(address);
                    sent = true;
                }
            }
        });
        match address.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => Ok(Self { address: format!("http://{address}"), dir, child }),
            Err(_) => {
                let _ = child.kill();
                bail!("{} did not start within a minute", program.display())
            }
        }
    }

    /// SIGTERM, then waits for the exit.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in the app's JSON `serving` line.
pub fn app_address(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    (value["message"] == "serving").then(|| value["address"].as_str().map(str::to_owned)).flatten()
}

/// The address in the floor server's first line (`listening 127.0.0.1:port`).
pub fn floor_address(line: &str) -> Option<String> {
    line.strip_prefix("listening ").map(str::to_owned)
}
