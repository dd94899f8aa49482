//! A WebSocket test client for `/live`, with the browser's cookie.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One socket.
pub struct Socket {
    stream: Stream,
}

/// What arrived.
#[derive(Debug)]
pub enum Frame {
    Json(Value),
    Closed(u16, String),
}

impl Socket {
    /// Connects to `/live` of a server at `address` (http://…) with a session cookie.
    pub async fn connect(address: &str, cookie: Option<&str>) -> Socket {
        let url = format!("{}/live", address.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().expect("request");
        if let Some(cookie) = cookie {
            request.headers_mut().insert(
                "cookie",
                format!("cats_session={cookie}").parse().expect("header"),
            );
        }
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket connects");
        Socket { stream }
    }

    /// Sends a JSON message.
    pub async fn send(&mut self, value: Value) {
        self.stream
            .send(Message::text(value.to_string()))
            .await
            .expect("send");
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(Message::text(text.to_owned()))
            .await
            .expect("send");
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.stream
            .send(Message::binary(bytes))
            .await
            .expect("send");
    }

    /// The next frame, waiting at most `within`; pings and pongs are skipped.
    pub async fn next_within(&mut self, within: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let message = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Some(Frame::Json(
                        serde_json::from_str(&text).expect("server sends JSON"),
                    ))
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((u16::from(CloseCode::Status), String::new()));
                    return Some(Frame::Closed(code, reason));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => {
                    return Some(Frame::Closed(1006, "connection dropped".to_owned()))
                }
            }
        }
    }

    /// The next JSON frame (panics on timeout or close).
    pub async fn next_json(&mut self) -> Value {
        match self.next_within(Duration::from_secs(10)).await {
            Some(Frame::Json(value)) => value,
            other => panic!("expected a JSON frame, got {other:?}"),
        }
    }

    /// The next JSON frame of a type, skipping others (e.g. presence).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next_json().await;
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// Waits for the socket to close; returns the code and reason.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            match self.next_within(Duration::from_secs(10)).await {
                Some(Frame::Closed(code, reason)) => return (code, reason),
                Some(Frame::Json(_)) => continue,
                None => panic!("socket did not close"),
            }
        }
    }

    /// Subscribes and returns the `subscribed` frame (skipping presence).
    pub async fn subscribe(&mut self, topic: &str) -> Value {
        self.send(serde_json::json!({ "type": "subscribe", "topic": topic }))
            .await;
        self.next_of("subscribed").await
    }

    /// Sends a close frame and waits for the server's answering close frame.
    pub async fn close_and_wait(mut self) -> Option<u16> {
        use tokio_tungstenite::tungstenite::protocol::CloseFrame;
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "bye".into(),
        };
        self.stream.close(Some(frame)).await.ok()?;
        let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .ok()?
            {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    }

    /// Closes the socket.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
