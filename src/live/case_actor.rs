//! The case actor: one per open case per instance. Every command on a case goes through it,
//! so commands on one case run one at a time inside the instance; across instances the case
//! version, guarded status changes and the field-level merge keep writers from overwriting
//! each other. It stops after a minute without commands.

use crate::accounts::Principal;
use crate::cases::edit::{edit_fields, EditOutcome};
use crate::cases::CaseError;
use crate::domain::case_edit::FieldChange;
use crate::store::Store;
use actix::{
    Actor, ActorContext, Addr, AsyncContext, AtomicResponse, Context, Handler, Message, WrapFuture,
};
use futures_util::future::LocalBoxFuture;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Notify};

/// A case with no command for this long stops its actor.
const IDLE: Duration = Duration::from_secs(60);

/// A command's work: given the store, a future the actor runs to completion before the next.
type Job = Box<dyn FnOnce(Store) -> LocalBoxFuture<'static, ()> + Send>;

/// Run one command. The job sits in a shared slot so that, if the actor stops before taking
/// it, the caller still has it and can hand it to a fresh actor.
#[derive(Message)]
#[rtype(result = "()")]
struct Run(Arc<Mutex<Option<Job>>>);

/// The actor.
pub struct CaseActor {
    id: String,
    store: Store,
    registry: Registry,
    last_command: Instant,
}

type Registry = Arc<Mutex<HashMap<String, Addr<CaseActor>>>>;

impl Actor for CaseActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(IDLE / 4, |actor, ctx| {
            if actor.last_command.elapsed() >= IDLE {
                let mut registry = actor.registry.lock().unwrap_or_else(|p| p.into_inner());
                if registry.get(&actor.id).is_some_and(|a| *a == ctx.address()) {
                    registry.remove(&actor.id);
                }
                ctx.stop();
            }
        });
    }
}

impl Handler<Run> for CaseActor {
    type Result = AtomicResponse<Self, ()>;

    fn handle(&mut self, run: Run, _: &mut Self::Context) -> Self::Result {
        self.last_command = Instant::now();
        let job = run.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        let store = self.store.clone();
        // Atomic: the next command on this case starts only when this one has finished.
        AtomicResponse::new(Box::pin(
            async move {
                if let Some(job) = job {
                    job(store).await;
                }
            }
            .into_actor(self),
        ))
    }
}

/// The case actors of this instance.
#[derive(Clone)]
pub struct CaseActors {
    registry: Registry,
    store: Store,
    wake: Arc<Notify>,
}

impl CaseActors {
    /// An empty registry.
    pub fn new(store: Store, wake: Arc<Notify>) -> Self {
        Self {
            registry: Arc::new(Mutex::new(HashMap::new())),
            store,
            wake,
        }
    }

    fn actor(&self, id: &str) -> Addr<CaseActor> {
        let mut registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(addr) = registry.get(id).filter(|a| a.connected()) {
            return addr.clone();
        }
        let addr = CaseActor {
            id: id.to_owned(),
            store: self.store.clone(),
            registry: self.registry.clone(),
            last_command: Instant::now(),
        }
        .start();
        registry.insert(id.to_owned(), addr.clone());
        addr
    }

    /// Runs a command on case `id` inside its actor (the caller has checked the user may see
    /// the case). A command that succeeds wakes the outbox dispatcher, which publishes the
    /// event the command's transaction wrote.
    pub async fn run<T, F, Fut>(&self, id: &str, command: F) -> Result<T, CaseError>
    where
        T: Send + 'static,
        F: FnOnce(Store) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, CaseError>> + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |store| {
            Box::pin(async move {
                let _ = reply.send(command(store).await);
            })
        });
        let slot = Arc::new(Mutex::new(Some(job)));
        for _ in 0..3 {
            let sent = self.actor(id).send(Run(slot.clone())).await;
            let still_ours = slot.lock().unwrap_or_else(|p| p.into_inner()).is_some();
            // Delivered, or the actor took it before stopping: the answer will come.
            if sent.is_ok() || !still_ours {
                break;
            }
        }
        match answer.await {
            Ok(outcome) => {
                if outcome.is_ok() {
                    self.wake.notify_one();
                }
                outcome
            }
            Err(_) => Err(CaseError::invalid(
                "case",
                "The case could not be opened for changes. Try again.",
            )),
        }
    }

    /// Changes some personal-details fields of the case.
    pub async fn edit(
        &self,
        id: &str,
        user: Principal,
        changes: Vec<FieldChange>,
    ) -> Result<EditOutcome, CaseError> {
        let case = id.to_owned();
        self.run(id, move |store| async move {
            edit_fields(&store, &user, &case, &changes).await
        })
        .await
    }
}
