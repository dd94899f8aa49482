//! One benchmark socket, as a browser tab holds it: a TCP connection from a chosen loopback
//! source address to `/live` with the tab's session cookie, subscribed to its topics.

use super::recorder::{Recorder, Seen};
use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::{HeaderValue, COOKIE};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// An open socket.
pub type Socket = WebSocketStream<TcpStream>;

/// Read buffer per socket. Server frames here are a few hundred bytes; tungstenite's default
/// (128 KiB) would make thousands of idle sockets cost the client far more than the server.
const READ_BUFFER: usize = 4 * 1024;
/// A socket that has not finished its closing handshake by then is simply dropped.
const CLOSE_WITHIN: Duration = Duration::from_secs(5);

/// Where one socket connects and what it subscribes to.
#[derive(Debug, Clone)]
pub struct Target {
    /// The server (`127.0.0.1:<port>`).
    pub server: SocketAddr,
    /// The loopback address to connect from.
    pub source: Ipv4Addr,
    /// The `cats_session` cookie's value.
    pub cookie: String,
    /// Its topics.
    pub topics: Vec<String>,
}

/// Connects, subscribes to every topic, and waits until each is answered `subscribed`. Frames
/// arriving meanwhile (presence) go to the recorder. The caller bounds the time it may take.
pub async fn open(target: &Target, recorder: &Recorder) -> Result<Socket> {
    let tcp = TcpSocket::new_v4().context("creating a socket")?;
    tcp.bind(SocketAddr::from((target.source, 0)))
        .with_context(|| format!("binding to {}", target.source))?;
    let stream = tcp
        .connect(target.server)
        .await
        .with_context(|| format!("connecting to {}", target.server))?;
    stream.set_nodelay(true).context("setting TCP_NODELAY")?;
    let mut request = format!("ws://{}/live", target.server)
        .into_client_request()
        .context("building the upgrade request")?;
    let cookie = HeaderValue::from_str(&format!("cats_session={}", target.cookie))
        .context("the cookie is not a valid header value")?;
    request.headers_mut().insert(COOKIE, cookie);
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::client_async_with_config(request, stream, Some(config))
            .await
            .context("WebSocket handshake")?;
    for topic in &target.topics {
        let subscribe = serde_json::json!({ "type": "subscribe", "topic": topic });
        socket
            .send(Message::text(subscribe.to_string()))
            .await
            .context("sending subscribe")?;
    }
    let mut waiting: Vec<&str> = target.topics.iter().map(String::as_str).collect();
    while !waiting.is_empty() {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => match recorder.frame(&text) {
                Seen::Subscribed(topic) => waiting.retain(|waited| *waited != topic),
                Seen::Refused(reason) => bail!("subscribe refused: {reason}"),
                Seen::Other => {}
            },
            Some(Ok(Message::Close(frame))) => bail!("closed by the server: {}", describe(frame)),
            Some(Ok(_)) => {}
            Some(Err(error)) => bail!("while subscribing: {error}"),
            None => bail!("connection ended while subscribing"),
        }
    }
    Ok(socket)
}

/// Closes a socket with the closing handshake, waiting at most 5 s for the server.
pub async fn close(mut socket: Socket) {
    let handshake = async {
        if socket.close(None).await.is_ok() {
            // Drain until the server's close frame or the end of the connection.
            while let Some(Ok(_)) = socket.next().await {}
        }
    };
    let _ = tokio::time::timeout(CLOSE_WITHIN, handshake).await;
}

/// A close frame, for a message.
pub fn describe(frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>) -> String {
    match frame {
        Some(frame) => format!("{} {}", u16::from(frame.code), frame.reason),
        None => "without a close frame".to_owned(),
    }
}
