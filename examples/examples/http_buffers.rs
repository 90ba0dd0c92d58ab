//! An HTTP/1.1 server (hyper 1 on tokio) that renders each response into a pooled buffer, and
//! a load client that measures it over loopback, pooled and unpooled.
//!
//! Each response is a JSON document of about 4 KiB, rendered with `write!` into a `Vec<u8>`:
//! either a fresh one (pre-sized, as careful code would) or one from `BufPool::global()`, the
//! process-wide pool of byte buffers (`get(8 KiB)`, served by its 8 KiB class; its guards
//! borrow a `'static` pool, so they move into the connection tasks as they are). The pooled
//! buffer is the response body itself: hyper writes it to the socket and then drops it, which
//! clears it and gives it back to the pool, with no copy.
//!
//! The server runs on one thread and the client on another (one current-thread tokio runtime
//! each), so the counting global allocator can tell the server's allocations from the
//! client's. The client sends `REQUESTS` requests over 4 keep-alive connections and reports
//! p50 and p99 latency and the server's allocations per request.
//!
//! ```text
//! cargo run --release -p pool-examples --example http_buffers [REQUESTS]
//! cargo run --release -p pool-examples --example http_buffers -- --serve 127.0.0.1:3000 [--unpooled]
//! ```
//!
//! `REQUESTS` defaults to 20,000 per mode. With `--serve ADDR` it only serves (pooled, or
//! unpooled with `--unpooled`) until stopped, for an outside load tool:
//! `wrk -c 16 -d 10s http://127.0.0.1:3000/items`.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::{Body, Buf, Bytes, Frame, Incoming, SizeHint};
use hyper::{header, Request, Response};
use hyper_util::rt::TokioIo;
use pool_core::{BufPool, PoolStats, PooledBuf};
use pool_examples::alloc::{self, AllocCounts};
use pool_examples::args::{exit_with_usage, ArgError, Args};
use pool_examples::stats::{percentile, stats_since};
use pool_examples::table::{self, Table};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Runtime};
use tokio::sync::oneshot;

const USAGE: &str = "usage: http_buffers [REQUESTS]
       http_buffers --serve ADDR [--unpooled]
  REQUESTS    requests per mode, over 4 connections (default 20000)
  --serve     only serve on ADDR (e.g. 127.0.0.1:3000) until stopped
  --unpooled  with --serve: fresh response buffers instead of pooled ones";

/// Items in each response: about 4 KiB of JSON.
const ITEMS: usize = 64;
/// The capacity of a response buffer, pooled or fresh.
const BUFFER_SIZE: usize = 8 * 1024;
/// Keep-alive connections the client opens.
const CONNECTIONS: usize = 4;

/// A response body: a buffer, pooled or fresh, sent as one chunk.
pub(crate) enum Payload {
    Pooled(PooledBuf<'static>),
    Fresh(Vec<u8>),
}

impl Payload {
    fn bytes(&self) -> &[u8] {
        match self {
            Payload::Pooled(buf) => buf,
            Payload::Fresh(buf) => buf,
        }
    }
}

/// The chunk hyper writes: the payload and how much of it is written. When hyper drops it, a
/// pooled buffer goes back to its pool.
pub(crate) struct Chunk {
    payload: Payload,
    written: usize,
}

impl Buf for Chunk {
    fn remaining(&self) -> usize {
        self.payload.bytes().len() - self.written
    }

    fn chunk(&self) -> &[u8] {
        &self.payload.bytes()[self.written..]
    }

    fn advance(&mut self, n: usize) {
        assert!(n <= self.remaining(), "advanced past the end of the body");
        self.written += n;
    }
}

/// An `http_body::Body` of one chunk, with its exact length so hyper sends `content-length`.
pub(crate) struct OneChunk(Option<Payload>);

impl Body for OneChunk {
    type Data = Chunk;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Chunk>, Infallible>>> {
        let frame = self.0.take().map(|payload| {
            Ok(Frame::data(Chunk {
                payload,
                written: 0,
            }))
        });
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.as_ref().map_or(0, |p| p.bytes().len()) as u64)
    }
}

/// Where response buffers come from.
#[derive(Clone)]
pub(crate) enum Buffers {
    Pooled(&'static BufPool),
    Fresh,
}

impl Buffers {
    fn pooled() -> Buffers {
        Buffers::Pooled(BufPool::global())
    }

    fn stats(&self) -> Option<PoolStats> {
        match self {
            Buffers::Pooled(pool) => Some(pool.stats()),
            Buffers::Fresh => None,
        }
    }
}

/// Renders the response document into `out`: what a JSON API handler does.
fn render(out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"items\":[");
    for id in 0..ITEMS {
        if id > 0 {
            out.push(b',');
        }
        // Writing to a `Vec` with room cannot fail and does not allocate.
        let _ = write!(
            out,
            "{{\"id\":{id},\"name\":\"item {id}\",\"price_cents\":{},\"in_stock\":{}}}",
            1999 + id * 10,
            id % 3 != 0
        );
    }
    out.extend_from_slice(b"]}");
}

/// The request handler: renders the document into a buffer from `buffers`.
fn handle(buffers: &Buffers) -> Response<OneChunk> {
    let payload = match buffers {
        Buffers::Pooled(pool) => {
            let mut buf = pool.get(BUFFER_SIZE);
            render(&mut buf);
            Payload::Pooled(buf)
        }
        Buffers::Fresh => {
            let mut buf = Vec::with_capacity(BUFFER_SIZE);
            render(&mut buf);
            Payload::Fresh(buf)
        }
    };
    let mut response = Response::new(OneChunk(Some(payload)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// Accepts connections for ever, serving each on its own task.
async fn accept_loop(listener: TcpListener, buffers: Buffers) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let buffers = buffers.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |_: Request<Incoming>| {
                std::future::ready(Ok::<_, Infallible>(handle(&buffers)))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            // A client that goes away mid-request is not an error worth reporting here.
            let _ = conn.await;
        });
    }
}

fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap_or_else(|e| panic!("cannot start a tokio runtime: {e}"))
}

/// One client connection: `n` requests in a row, each timed, its body read to the end.
async fn client_connection(addr: SocketAddr, n: usize) -> Result<Vec<Duration>, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let request = Request::get("/items")
            .header(header::HOST, "127.0.0.1")
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        let mut body = sender
            .send_request(request)
            .await
            .map_err(|e| e.to_string())?
            .into_body();
        let mut len = 0;
        while let Some(frame) = body.frame().await {
            len += frame
                .map_err(|e| e.to_string())?
                .data_ref()
                .map_or(0, Bytes::len);
        }
        latencies.push(start.elapsed());
        std::hint::black_box(len);
    }
    Ok(latencies)
}

/// Sends `requests` requests over `CONNECTIONS` connections at once; every latency, sorted.
async fn load(addr: SocketAddr, requests: usize) -> Result<Vec<Duration>, String> {
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|i| {
            let n = requests / CONNECTIONS + usize::from(i < requests % CONNECTIONS);
            tokio::spawn(client_connection(addr, n))
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests);
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    latencies.sort_unstable();
    Ok(latencies)
}

/// What one mode measured.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) name: &'static str,
    pub(crate) requests: usize,
    pub(crate) elapsed: Duration,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    /// The server thread's allocations over the whole run.
    pub(crate) server: AllocCounts,
    /// The client thread's allocations over the whole run.
    pub(crate) client: AllocCounts,
    /// What the pool did during the run (it is process-wide: its counts before are taken off).
    pub(crate) pool: Option<PoolStats>,
}

/// Starts the server on its own thread and loopback port; it stops when `stop` fires and
/// hands back its allocation counts and, once it has stopped, the pool's stats.
fn start_server(
    buffers: Buffers,
) -> std::io::Result<(
    SocketAddr,
    oneshot::Sender<()>,
    thread::JoinHandle<AllocCounts>,
)> {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let server = thread::spawn(move || {
        let before = alloc::thread_snapshot();
        let rt = runtime();
        rt.block_on(async move {
            match TcpListener::from_std(std_listener) {
                Ok(listener) => drop(tokio::spawn(accept_loop(listener, buffers))),
                Err(e) => eprintln!("cannot listen: {e}"),
            }
            let _ = stopped.await;
        });
        // Dropping the runtime ends the connection tasks, returning their buffers.
        drop(rt);
        alloc::thread_snapshot().since(&before)
    });
    Ok((addr, stop, server))
}

/// Runs one mode: a server with `buffers`, and `requests` requests from a client thread.
pub(crate) fn run_mode(
    name: &'static str,
    buffers: Buffers,
    requests: usize,
) -> Result<Run, String> {
    let pool_before = buffers.stats();
    let (addr, stop, server) = start_server(buffers.clone()).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let client = thread::spawn(move || {
        let before = alloc::thread_snapshot();
        let latencies = runtime().block_on(load(addr, requests));
        (latencies, alloc::thread_snapshot().since(&before))
    });
    let (latencies, client) = client.join().map_err(|_| "the client panicked")?;
    let elapsed = start.elapsed();
    let _ = stop.send(());
    let server = server.join().map_err(|_| "the server panicked")?;
    let latencies = latencies?;
    Ok(Run {
        name,
        requests,
        elapsed,
        p50: percentile(&latencies, 50.0).unwrap_or_default(),
        p99: percentile(&latencies, 99.0).unwrap_or_default(),
        server,
        client,
        // The server thread has exited, so the stats are exact.
        pool: pool_before
            .zip(buffers.stats())
            .map(|(before, after)| stats_since(&before, &after)),
    })
}

/// Both modes, unpooled first.
pub(crate) fn run(requests: usize) -> Result<Vec<Run>, String> {
    Ok(vec![
        run_mode("unpooled", Buffers::Fresh, requests)?,
        run_mode("pooled", Buffers::pooled(), requests)?,
    ])
}

fn micros(d: Duration) -> String {
    format!("{:.1} us", d.as_secs_f64() * 1e6)
}

fn print(runs: &[Run]) {
    if let Some(first) = runs.first() {
        println!(
            "http_buffers: {} GET requests per mode over {CONNECTIONS} keep-alive connections \
             on 127.0.0.1; hyper 1, one server thread and one client thread; responses of {} \
             rendered into {} buffers\n",
            table::count(first.requests as u64),
            table::bytes(response_len() as i64),
            table::bytes(BUFFER_SIZE as i64),
        );
    }
    let mut t = Table::new([
        "mode",
        "requests/s",
        "p50",
        "p99",
        "server allocs/req",
        "server bytes/req",
        "client allocs/req",
    ]);
    for r in runs {
        let n = r.requests as f64;
        t.row([
            r.name.to_owned(),
            table::rate(r.requests as f64 / r.elapsed.as_secs_f64()),
            micros(r.p50),
            micros(r.p99),
            table::fixed(r.server.allocations as f64 / n, 2),
            table::fixed(r.server.bytes as f64 / n, 0),
            table::fixed(r.client.allocations as f64 / n, 2),
        ]);
    }
    println!("{t}");
    if let Some(s) = runs.iter().find_map(|r| r.pool) {
        let mut p = Table::new(["pool", "created", "reused", "hit rate", "idle", "discarded"]);
        p.row([
            "BufPool::global(), this run".to_owned(),
            table::count(s.created),
            table::count(s.reused),
            table::percent(s.hit_rate()),
            table::count(s.idle),
            table::count(s.discarded),
        ]);
        println!("{p}");
    }
    println!(
        "Allocations are counted per thread by the global allocator over the whole run, \
         connection setup included; the rest of each request's allocations are hyper's and \
         tokio's own."
    );
}

/// The length of the rendered document.
fn response_len() -> usize {
    let mut buf = Vec::with_capacity(BUFFER_SIZE);
    render(&mut buf);
    buf.len()
}

/// `--serve ADDR`: serves until the process is stopped.
fn serve(addr: &str, buffers: Buffers) -> Result<(), String> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| format!("{addr}: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let mode = if matches!(buffers, Buffers::Fresh) {
        "fresh"
    } else {
        "pooled"
    };
    println!("serving http://{addr}/items with {mode} response buffers; Ctrl-C to stop");
    runtime().block_on(async move {
        let listener = TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        accept_loop(listener, buffers).await;
        Ok(())
    })
}

fn main() {
    let args = Args::from_env();
    if args.flag("--help") {
        exit_with_usage(USAGE, None);
    }
    let checked = args.check(&["--help", "--serve", "--unpooled"], 1);
    let result = checked.and_then(|()| match args.option("--serve") {
        Some(addr) => {
            let buffers = if args.flag("--unpooled") {
                Buffers::Fresh
            } else {
                Buffers::pooled()
            };
            Ok(serve(addr, buffers))
        }
        None if args.flag("--serve") => Err(ArgError::from("--serve needs an address")),
        None => args
            .count(0, "REQUESTS", 20_000)
            .map(|n| run(n).map(|runs| print(&runs))),
    });
    match result {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
        Err(error) => exit_with_usage(USAGE, Some(&error)),
    }
}
