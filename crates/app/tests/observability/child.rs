//! The `app` binary as a child process: started in a fresh directory (embedded SQLite, file
//! mailer) on a free port, its stdout (the log) collected, stopped with SIGTERM (or killed).
#![allow(dead_code, reason = "each test binary uses part of it")]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running `app serve`.
pub struct AppProcess {
    pub address: String,
    pub dir: PathBuf,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl AppProcess {
    /// Starts `app serve` with these extra environment variables.
    pub fn start(env: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("engify-child-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_app"));
        command
            .current_dir(&dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("AUTH_RATE_LIMIT_PER_MINUTE", "10000")
            .env("SHUTDOWN_GRACE_SECONDS", "2")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let mut address = None;
        for _ in 0..600 {
            address = lines.lock().unwrap().iter().find_map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).ok()?;
                (v["message"] == "serving").then(|| v["address"].as_str().map(str::to_owned)).flatten()
            });
            if address.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let address = address.unwrap_or_else(|| panic!("the app did not start: {:?}", lines.lock().unwrap()));
        Self { address: format!("http://{address}"), dir, child, lines }
    }

    /// Every line written so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// SIGKILL (a crash: nothing runs after it), then waits for the exit.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the exit; returns the whole log.
    pub fn stop(mut self) -> Vec<String> {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        for _ in 0..200 {
            if self.child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(100));
        self.lines()
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
