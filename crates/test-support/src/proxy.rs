//! A TCP proxy for simulating a service going away mid-test: [`TcpProxy`] forwards
//! connections from a port on 127.0.0.1 to an upstream address until [`TcpProxy::cut`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Forwards every connection to `upstream`, until cut.
///
/// - [`cut`](Self::cut) closes every open connection, and from then on accepts new ones but
///   never answers (a black hole, as a partitioned network behaves): clients must time out.
/// - [`restore`](Self::restore) closes the black-holed connections and forwards new ones
///   again.
///
/// Dropping the proxy stops it and closes every connection.
pub struct TcpProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
}

struct Shared {
    upstream: SocketAddr,
    cut: AtomicBool,
    /// Bumped to close every forwarded connection.
    epoch: watch::Sender<u64>,
    held: Mutex<Vec<TcpStream>>,
}

impl TcpProxy {
    /// A proxy on `127.0.0.1:0` in front of `upstream` (must run inside a Tokio runtime).
    ///
    /// # Errors
    /// When no local port can be bound.
    pub async fn start(upstream: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (epoch, _) = watch::channel(0);
        let shared = Arc::new(Shared { upstream, cut: AtomicBool::new(false), epoch, held: Mutex::new(Vec::new()) });
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(Self { addr, shared, accept })
    }

    /// A proxy in front of `host:port` (resolved once, now).
    ///
    /// # Errors
    /// When `upstream` does not resolve or no local port can be bound.
    pub async fn start_for(upstream: &str) -> std::io::Result<Self> {
        let resolved = tokio::net::lookup_host(upstream)
            .await?
            .next()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, format!("{upstream} does not resolve")))?;
        Self::start(resolved).await
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes every open connection and black-holes new ones until [`restore`](Self::restore).
    pub fn cut(&self) {
        self.shared.cut.store(true, Ordering::SeqCst);
        self.shared.epoch.send_modify(|e| *e += 1);
    }

    /// Forwards new connections again (closing the black-holed ones).
    pub fn restore(&self) {
        self.shared.cut.store(false, Ordering::SeqCst);
        self.shared.held.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Whether the proxy is cut.
    pub fn is_cut(&self) -> bool {
        self.shared.cut.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for TcpProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream)
            .field("cut", &self.is_cut())
            .finish()
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.shared.epoch.send_modify(|e| *e += 1);
        self.shared.held.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            // Out of file descriptors or the like: wait instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        // Subscribe before reading `cut`: a cut after this point is seen by the connection.
        let closed = shared.epoch.subscribe();
        if shared.cut.load(Ordering::SeqCst) {
            shared.held.lock().unwrap_or_else(PoisonError::into_inner).push(client);
            continue;
        }
        tokio::spawn(forward(client, shared.upstream, closed));
    }
}

async fn forward(mut client: TcpStream, upstream: SocketAddr, mut closed: watch::Receiver<u64>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else { return };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
        _ = closed.changed() => {}
    }
}
