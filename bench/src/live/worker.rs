//! The hidden `cats-bench client-worker` process: it holds the sockets of one [`Plan`], reads
//! one command per line on stdin and answers one line on stdout (see [`super::protocol`]).
//! Every socket reads and counts what arrives, so the server never sees a slow client, and
//! nothing is printed per frame. The worker exits on `close` or when its stdin ends (the
//! benchmark went away).

use super::client::{self, Target};
use super::protocol::{Command, Plan, Ready, Reply};
use super::recorder::Recorder;
use anyhow::{Context, Result};
use futures_util::StreamExt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// The generation number of a socket's answer to [`Phase::Close`].
const CLOSED: u32 = u32::MAX;
/// How long closing every socket may take.
const CLOSE_ALL_WITHIN: Duration = Duration::from_secs(20);

/// What every socket should be doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Be connected and subscribed; a new number means close and connect again.
    Connect(u32),
    /// Close and stop.
    Close,
}

/// A socket's answer to a phase.
struct Answer {
    generation: u32,
    outcome: Result<(), String>,
}

/// Runs the worker until `close` or the end of stdin.
pub async fn run() -> Result<()> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    let mut fleet: Option<Fleet> = None;
    // One command per line; the benchmark sends a handful, then `close` or end of input.
    while let Some(line) = lines.next_line().await.context("reading a command")? {
        let command = serde_json::from_str::<Command>(&line);
        let mut last = false;
        let reply = match (command, fleet.as_mut()) {
            (Err(error), _) => Reply::Failed {
                error: format!("unreadable command: {error}"),
            },
            (Ok(Command::Open(plan)), None) => {
                let (opened, ready) = Fleet::open(plan).await;
                fleet = Some(opened);
                Reply::Ready(ready)
            }
            (Ok(Command::Open(_)), Some(_)) => Reply::Failed {
                error: "sockets are already open".to_owned(),
            },
            (Ok(Command::Churn), Some(open)) => Reply::Ready(open.churn().await),
            (Ok(Command::Reset), Some(open)) => {
                open.recorder.reset();
                Reply::Done
            }
            (Ok(Command::Report { latencies }), Some(open)) => {
                Reply::Report(open.recorder.report(latencies))
            }
            (Ok(Command::Close), open) => {
                if let Some(open) = open {
                    open.close().await;
                }
                last = true;
                Reply::Done
            }
            (Ok(_), None) => Reply::Failed {
                error: "no sockets are open".to_owned(),
            },
        };
        let mut text = serde_json::to_string(&reply).context("encoding a reply")?;
        text.push('\n');
        stdout
            .write_all(text.as_bytes())
            .await
            .context("writing a reply")?;
        stdout.flush().await.context("writing a reply")?;
        if last {
            break;
        }
    }
    Ok(())
}

/// The sockets of one plan.
struct Fleet {
    recorder: Arc<Recorder>,
    phase: watch::Sender<Phase>,
    answers: mpsc::UnboundedReceiver<Answer>,
    sockets: usize,
    generation: u32,
    ready_within: Duration,
}

impl Fleet {
    /// Starts one task per socket and waits until each has subscribed or failed.
    async fn open(plan: Plan) -> (Self, Ready) {
        let recorder = Arc::new(Recorder::new(plan.record));
        let (phase, _) = watch::channel(Phase::Connect(0));
        let (answer_tx, answers) = mpsc::unbounded_channel();
        let permits = Arc::new(Semaphore::new(plan.concurrency.max(1)));
        let open_within = Duration::from_millis(plan.open_timeout_ms);
        let mut sockets: usize = 0;
        for group in &plan.groups {
            let target = Arc::new(Target {
                server: SocketAddr::from((Ipv4Addr::LOCALHOST, group.port)),
                source: plan.source,
                cookie: group.cookie.clone(),
                topics: group.topics.clone(),
            });
            for _ in 0..group.sockets {
                tokio::spawn(hold(
                    target.clone(),
                    recorder.clone(),
                    permits.clone(),
                    phase.subscribe(),
                    answer_tx.clone(),
                    open_within,
                ));
                sockets += 1;
            }
        }
        // Every socket waits its turn for a permit, then has `open_within` to subscribe.
        let rounds = u32::try_from(sockets.div_ceil(plan.concurrency.max(1))).unwrap_or(u32::MAX);
        let ready_within = open_within.saturating_mul(rounds.saturating_add(1));
        let mut fleet = Self {
            recorder,
            phase,
            answers,
            sockets,
            generation: 0,
            ready_within,
        };
        let ready = fleet.collect(0, Instant::now()).await;
        (fleet, ready)
    }

    /// Every socket closes and connects again.
    async fn churn(&mut self) -> Ready {
        let begun = Instant::now();
        self.generation += 1;
        self.phase.send_replace(Phase::Connect(self.generation));
        self.collect(self.generation, begun).await
    }

    /// Closes every socket (bounded: stragglers are left to the process's exit).
    async fn close(&mut self) {
        self.phase.send_replace(Phase::Close);
        let deadline = tokio::time::Instant::now() + CLOSE_ALL_WITHIN;
        let mut closed = 0;
        while closed < self.sockets {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(answer)) if answer.generation == CLOSED => closed += 1,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }

    /// Waits for every socket's answer to `generation`, within the plan's time.
    async fn collect(&mut self, generation: u32, begun: Instant) -> Ready {
        let deadline = tokio::time::Instant::from_std(begun) + self.ready_within;
        let mut ready = Ready::default();
        while ready.subscribed + ready.failed < self.sockets {
            match tokio::time::timeout_at(deadline, self.answers.recv()).await {
                Ok(Some(answer)) if answer.generation == generation => match answer.outcome {
                    Ok(()) => ready.subscribed += 1,
                    Err(error) => {
                        ready.failed += 1;
                        ready.first_error.get_or_insert(error);
                    }
                },
                // A late answer to an earlier phase.
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        ready.missing = self.sockets - ready.subscribed - ready.failed;
        ready.took_ms = begun.elapsed().as_secs_f64() * 1000.0;
        ready
    }
}

/// One socket's life: connect and subscribe for each `Connect` phase (closing the previous
/// connection first), read everything that arrives in between, close on `Close`.
async fn hold(
    target: Arc<Target>,
    recorder: Arc<Recorder>,
    permits: Arc<Semaphore>,
    mut phases: watch::Receiver<Phase>,
    answers: mpsc::UnboundedSender<Answer>,
    open_within: Duration,
) {
    let mut socket: Option<client::Socket> = None;
    let mut phase = *phases.borrow_and_update();
    loop {
        match phase {
            Phase::Close => {
                if let Some(open) = socket.take() {
                    client::close(open).await;
                    recorder.closed();
                }
                let _ = answers.send(Answer {
                    generation: CLOSED,
                    outcome: Ok(()),
                });
                return;
            }
            Phase::Connect(generation) => {
                let Ok(_permit) = permits.acquire().await else {
                    return;
                };
                if let Some(open) = socket.take() {
                    client::close(open).await;
                    recorder.closed();
                }
                let outcome =
                    match tokio::time::timeout(open_within, client::open(&target, &recorder)).await
                    {
                        Ok(Ok(open)) => {
                            recorder.opened();
                            socket = Some(open);
                            Ok(())
                        }
                        Ok(Err(error)) => Err(format!("{error:#}")),
                        Err(_) => Err(format!("not subscribed within {open_within:?}")),
                    };
                let _ = answers.send(Answer {
                    generation,
                    outcome,
                });
            }
        }
        // Read until the next phase (or until the worker is gone).
        loop {
            tokio::select! {
                changed = phases.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    break;
                }
                message = next_message(&mut socket) => match message {
                    Some(Ok(Message::Text(text))) => {
                        recorder.frame(&text);
                    }
                    Some(Ok(Message::Close(frame))) => {
                        recorder.dropped(format!("closed by the server: {}", client::describe(frame)));
                        socket = None;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(error)) => {
                        recorder.dropped(format!("connection failed: {error}"));
                        socket = None;
                    }
                    None => {
                        recorder.dropped("connection ended".to_owned());
                        socket = None;
                    }
                },
            }
        }
        phase = *phases.borrow_and_update();
    }
}

/// The socket's next message; never, when there is no socket.
async fn next_message(socket: &mut Option<client::Socket>) -> Option<Result<Message, WsError>> {
    match socket {
        Some(open) => open.next().await,
        None => std::future::pending().await,
    }
}
