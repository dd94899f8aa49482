//! Supervised singleton work: a supervisor actor runs its worker only while its instance holds
//! the worker's lease, restarts it after a panic with exponential backoff, and stops it the
//! moment the lease is lost. Adding instances never runs the work twice; when the holder dies
//! another instance takes the lease and starts the work within seconds.

use crate::lease::Lease;
use actix::{
    Actor, ActorContext, ActorFutureExt, AsyncContext, Context, Handler, Message, WrapFuture,
};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Makes a fresh run of the worker.
pub type WorkerFactory = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// Timings of a supervisor.
#[derive(Debug, Clone, Copy)]
pub struct SupervisorConfig {
    /// How often the lease is taken or renewed (well inside its time to live).
    pub check_every: Duration,
    /// First wait before restarting a worker that panicked.
    pub backoff_start: Duration,
    /// Longest wait between restarts.
    pub backoff_max: Duration,
    /// A run this long counts as healthy, and the backoff starts again from the beginning.
    pub healthy_after: Duration,
}

impl Default for SupervisorConfig {
    fn default() -> Self {
        Self {
            check_every: Duration::from_secs(1),
            backoff_start: Duration::from_millis(200),
            backoff_max: Duration::from_secs(30),
            healthy_after: Duration::from_secs(60),
        }
    }
}

/// What a supervisor is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, actix::MessageResponse)]
pub struct Status {
    /// This instance holds the lease.
    pub held: bool,
    /// The worker is running.
    pub running: bool,
    /// Restarts after panics since the last healthy run.
    pub restarts: u32,
}

/// Asks for the status.
#[derive(Message)]
#[rtype(result = "Status")]
pub struct GetStatus;

/// Stops the worker, releases the lease and stops the supervisor.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopSupervisor;

/// The supervisor.
pub struct Supervisor {
    lease: Arc<dyn Lease>,
    factory: WorkerFactory,
    config: SupervisorConfig,
    worker: Option<(tokio::task::JoinHandle<()>, Instant)>,
    held: bool,
    checking: bool,
    restarts: u32,
    not_before: Option<Instant>,
}

impl Supervisor {
    /// A supervisor for the work `factory` starts, under `lease`.
    pub fn new(lease: Arc<dyn Lease>, factory: WorkerFactory, config: SupervisorConfig) -> Self {
        Self {
            lease,
            factory,
            config,
            worker: None,
            held: false,
            checking: false,
            restarts: 0,
            not_before: None,
        }
    }

    fn backoff(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.restarts.saturating_sub(1).min(16));
        (self.config.backoff_start * factor).min(self.config.backoff_max)
    }

    fn stop_worker(&mut self) {
        if let Some((handle, _)) = self.worker.take() {
            handle.abort();
        }
    }

    /// Looks at a finished worker: a panic counts towards the backoff.
    fn reap(&mut self) {
        let finished = self
            .worker
            .as_ref()
            .is_some_and(|(handle, _)| handle.is_finished());
        if !finished {
            if let Some((_, started)) = &self.worker {
                if started.elapsed() >= self.config.healthy_after {
                    self.restarts = 0;
                }
            }
            return;
        }
        let Some((handle, _)) = self.worker.take() else {
            return;
        };
        match handle.now_or_never() {
            Some(Err(error)) if error.is_panic() => {
                self.restarts += 1;
                let wait = self.backoff();
                tracing::error!(
                    lease = self.lease.name(),
                    restarts = self.restarts,
                    ?wait,
                    "worker panicked; restarting"
                );
                self.not_before = Some(Instant::now() + wait);
            }
            _ => {
                tracing::info!(
                    lease = self.lease.name(),
                    "worker finished; starting it again"
                );
            }
        }
    }

    fn tick(&mut self, ctx: &mut Context<Self>) {
        if self.checking {
            return;
        }
        self.checking = true;
        let lease = self.lease.clone();
        ctx.spawn(async move { lease.acquire().await }.into_actor(self).map(|held, actor, _| {
            actor.checking = false;
            let held = match held {
                Ok(held) => held,
                Err(error) => {
                    tracing::warn!(lease = actor.lease.name(), %error, "lease check failed");
                    false
                }
            };
            if held != actor.held {
                tracing::info!(lease = actor.lease.name(), held, "lease changed hands");
            }
            actor.held = held;
            if !held {
                actor.stop_worker();
                return;
            }
            actor.reap();
            let may_start = actor.not_before.is_none_or(|at| Instant::now() >= at);
            if actor.worker.is_none() && may_start {
                actor.not_before = None;
                let run = (actor.factory)();
                actor.worker = Some((tokio::spawn(run), Instant::now()));
            }
        }));
    }
}

impl Actor for Supervisor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.tick(ctx);
        ctx.run_interval(self.config.check_every, |actor, ctx| actor.tick(ctx));
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.stop_worker();
        let lease = self.lease.clone();
        tokio::spawn(async move { lease.release().await });
    }
}

impl Handler<GetStatus> for Supervisor {
    type Result = Status;
    fn handle(&mut self, _: GetStatus, _: &mut Self::Context) -> Status {
        let running = self
            .worker
            .as_ref()
            .is_some_and(|(handle, _)| !handle.is_finished());
        Status {
            held: self.held,
            running,
            restarts: self.restarts,
        }
    }
}

impl Handler<StopSupervisor> for Supervisor {
    type Result = ();
    fn handle(&mut self, _: StopSupervisor, ctx: &mut Self::Context) {
        self.stop_worker();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let mut supervisor = Supervisor::new(
            Arc::new(crate::lease::LocalLease::new("backoff")),
            Arc::new(|| Box::pin(async {})),
            SupervisorConfig {
                backoff_start: Duration::from_millis(100),
                backoff_max: Duration::from_millis(500),
                ..SupervisorConfig::default()
            },
        );
        let waits: Vec<u128> = (1..=5)
            .map(|n| {
                supervisor.restarts = n;
                supervisor.backoff().as_millis()
            })
            .collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
    }
}
