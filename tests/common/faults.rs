//! Fault injection for end-to-end tests. Every node runs in a network namespace of
//! its own (made here with `ip netns`, removed on drop), so each has a loopback of
//! its own and sees the same addresses as every other node; each connection that
//! crosses namespaces (node to node, for the client port and the quorum port, and
//! test client to node) goes through a forwarder of this process on a link whose
//! state the test sets: up; down (a partition: bytes stall, as packets dropped on
//! the wire would, and flow again when it heals); down in one direction only;
//! delayed; or lossy (now and then a chunk stalls for a while, as a dropped packet
//! waits for its retransmission). Disks: a node's data directory can be a small
//! filesystem of its own (tmpfs) that the test fills up and frees.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Run `cmd` (a system tool), panicking with its output when it fails.
fn sh(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A network namespace with its loopback up; deleted on drop.
pub struct Netns {
    pub name: String,
}

impl Netns {
    pub fn new(name: &str) -> Netns {
        // A namespace left by a test that was killed is reused from scratch.
        let _ = Command::new("ip").args(["netns", "del", name]).output();
        sh(Command::new("ip").args(["netns", "add", name]));
        sh(Command::new("ip").args(["netns", "exec", name, "ip", "link", "set", "lo", "up"]));
        Netns {
            name: name.to_string(),
        }
    }

    /// `program args...` inside this namespace (`ip netns exec` execs it, so the
    /// child's PID is the program's).
    pub fn command(&self, program: &Path) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }

    /// Run `f` on a thread that has entered this namespace: sockets it creates live
    /// there.
    pub fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/var/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            use std::os::unix::io::AsRawFd;
            // SAFETY: setns on a descriptor we own; it changes only this thread.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("namespace thread")
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// Unique namespace names for this process.
pub fn netns_name(what: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "kw{}-{}-{what}",
        std::process::id() % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// What a link does to the bytes it carries. "Forward" is from the side that
/// connected to the side that listens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkFault {
    pub forward: bool,
    pub backward: bool,
    /// Added to every chunk, each way.
    pub delay: Duration,
    /// Chance that a chunk stalls for `stall` before it goes (a lost packet).
    pub loss: f64,
    pub stall: Duration,
}

impl LinkFault {
    pub const UP: LinkFault = LinkFault {
        forward: true,
        backward: true,
        delay: Duration::ZERO,
        loss: 0.0,
        stall: Duration::from_millis(300),
    };
    pub const DOWN: LinkFault = LinkFault {
        forward: false,
        backward: false,
        ..LinkFault::UP
    };
}

/// A one-way path between two namespaces (None = this process's own): a listener in
/// `from` that forwards each connection to `to_addr` in `to`.
pub struct Link {
    pub fault: Arc<Mutex<LinkFault>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub bytes: Arc<AtomicU64>,
}

fn pump(
    mut src: TcpStream,
    mut dst: TcpStream,
    fault: Arc<Mutex<LinkFault>>,
    forward: bool,
    stop: Arc<AtomicBool>,
    bytes: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut seed = (Arc::as_ptr(&fault) as u64) ^ (forward as u64) ^ 0x9E37_79B9_7F4A_7C15;
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // Hold the bytes while the link is cut this way: they go on after healing.
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let f = *fault.lock().unwrap();
            let open = if forward { f.forward } else { f.backward };
            if open {
                if !f.delay.is_zero() {
                    std::thread::sleep(f.delay);
                }
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                if f.loss > 0.0 && (seed % 10_000) as f64 / 10_000.0 < f.loss {
                    std::thread::sleep(f.stall);
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if dst.write_all(&buf[..n]).is_err() {
            break;
        }
        bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
    let _ = dst.shutdown(Shutdown::Write);
    let _ = src.shutdown(Shutdown::Read);
}

impl Link {
    /// Listen on `listen` in namespace `from` and forward to `to_addr` in `to`.
    pub fn spawn(from: Option<&Netns>, listen: &str, to: &Netns, to_addr: &str) -> Link {
        let listen = listen.to_string();
        let listener = match from {
            Some(ns) => ns.run(move || TcpListener::bind(&listen)),
            None => TcpListener::bind(&listen),
        }
        .unwrap_or_else(|e| panic!("link listener: {e}"));
        listener.set_nonblocking(true).expect("nonblocking");
        let fault = Arc::new(Mutex::new(LinkFault::UP));
        let stop = Arc::new(AtomicBool::new(false));
        let bytes = Arc::new(AtomicU64::new(0));
        let (fault2, stop2, bytes2) = (fault.clone(), stop.clone(), bytes.clone());
        let to_path = format!("/var/run/netns/{}", to.name);
        let to_addr = to_addr.to_string();
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let client = match listener.accept() {
                    Ok((c, _)) => c,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    Err(_) => continue,
                };
                let _ = client.set_nonblocking(false);
                let (to_path, to_addr) = (to_path.clone(), to_addr.clone());
                let (fault, stop, bytes) = (fault2.clone(), stop2.clone(), bytes2.clone());
                std::thread::spawn(move || {
                    // Connect from inside the target namespace.
                    let upstream = std::thread::spawn(move || {
                        let file = std::fs::File::open(&to_path).ok()?;
                        use std::os::unix::io::AsRawFd;
                        // SAFETY: setns on a descriptor we own; this thread only.
                        if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                            return None;
                        }
                        TcpStream::connect_timeout(&to_addr.parse().ok()?, Duration::from_secs(2))
                            .ok()
                    })
                    .join()
                    .ok()
                    .flatten();
                    let Some(upstream) = upstream else {
                        return;
                    };
                    let _ = upstream.set_nodelay(true);
                    let _ = client.set_nodelay(true);
                    let (c2, u2) = match (client.try_clone(), upstream.try_clone()) {
                        (Ok(c), Ok(u)) => (c, u),
                        _ => return,
                    };
                    let (f2, s2, b2) = (fault.clone(), stop.clone(), bytes.clone());
                    std::thread::spawn(move || pump(c2, u2, f2, true, s2, b2));
                    pump(upstream, client, fault, false, stop, bytes);
                });
            }
        });
        Link {
            fault,
            stop,
            thread: Some(thread),
            bytes,
        }
    }

    pub fn set(&self, fault: LinkFault) {
        *self.fault.lock().unwrap() = fault;
    }

    pub fn get(&self) -> LinkFault {
        *self.fault.lock().unwrap()
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A small filesystem of its own (tmpfs of `size_mb`) mounted at `dir`, so a test
/// can fill it; unmounted on drop.
pub struct SmallDisk {
    pub dir: PathBuf,
    filler: PathBuf,
}

impl SmallDisk {
    pub fn mount(dir: &Path, size_mb: u64) -> SmallDisk {
        std::fs::create_dir_all(dir).expect("mount point");
        sh(Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mb}m"), "tmpfs"])
            .arg(dir));
        SmallDisk {
            dir: dir.to_path_buf(),
            filler: dir.join(".filler"),
        }
    }

    /// Write a file until the disk is full (leaving `spare` bytes free).
    pub fn fill(&self, spare: u64) {
        let mut f = std::fs::File::create(&self.filler).expect("filler");
        let chunk = vec![0u8; 1 << 20];
        loop {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = f.flush();
        drop(f);
        // Give back `spare` bytes so small metadata writes may still pass.
        if let Ok(meta) = std::fs::metadata(&self.filler) {
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .open(&self.filler)
                .and_then(|f| f.set_len(meta.len().saturating_sub(spare)));
        }
    }

    pub fn free(&self) {
        let _ = std::fs::remove_file(&self.filler);
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).output();
    }
}

/// The links of an isolated cluster, by (from node, to node) and port kind; node 0
/// is the test process itself (clients).
#[derive(Default)]
pub struct Links {
    pub by_pair: BTreeMap<(i32, i32), Vec<Link>>,
}

impl Links {
    /// Set every link from `a` to `b` (connections `a` opens to `b`) and from `b` to
    /// `a`, so that bytes from `a` to `b` flow only if `a_to_b` and bytes from `b` to
    /// `a` only if `b_to_a`.
    pub fn cut(&self, a: i32, b: i32, a_to_b: bool, b_to_a: bool) {
        for link in self.by_pair.get(&(a, b)).into_iter().flatten() {
            link.set(LinkFault {
                forward: a_to_b,
                backward: b_to_a,
                ..link.get()
            });
        }
        for link in self.by_pair.get(&(b, a)).into_iter().flatten() {
            link.set(LinkFault {
                forward: b_to_a,
                backward: a_to_b,
                ..link.get()
            });
        }
    }

    /// Like [`Links::cut`] for the client port only (replication fetches and
    /// transaction markers), leaving the quorum port (metadata, heartbeats) alone.
    pub fn cut_client_port(&self, a: i32, b: i32, a_to_b: bool, b_to_a: bool) {
        // Each pair's links are [client port, quorum port].
        if let Some(link) = self.by_pair.get(&(a, b)).and_then(|l| l.first()) {
            link.set(LinkFault {
                forward: a_to_b,
                backward: b_to_a,
                ..link.get()
            });
        }
        if let Some(link) = self.by_pair.get(&(b, a)).and_then(|l| l.first()) {
            link.set(LinkFault {
                forward: b_to_a,
                backward: a_to_b,
                ..link.get()
            });
        }
    }

    /// Add `delay` and `loss` to every link between `a` and `b`.
    pub fn degrade(&self, a: i32, b: i32, delay: Duration, loss: f64) {
        for pair in [(a, b), (b, a)] {
            for link in self.by_pair.get(&pair).into_iter().flatten() {
                link.set(LinkFault {
                    delay,
                    loss,
                    ..link.get()
                });
            }
        }
    }

    /// Every link back to normal.
    pub fn heal(&self) {
        for link in self.by_pair.values().flatten() {
            link.set(LinkFault::UP);
        }
    }
}
