//! The case actor: one per open case per instance. Every command on a case goes through it,
//! so commands on one case run one at a time inside the instance; across instances the case
//! version and the field-level merge in `cases::edit` keep writers from overwriting each
//! other. It stops after a minute without commands.

use crate::accounts::Principal;
use crate::cases::edit::{edit_fields, EditOutcome};
use crate::cases::CaseError;
use crate::domain::case_edit::FieldChange;
use crate::store::Store;
use actix::{
    Actor, ActorContext, Addr, AsyncContext, AtomicResponse, Context, Handler, Message, WrapFuture,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// A case with no command for this long stops its actor.
const IDLE: Duration = Duration::from_secs(60);

/// Change some fields of the case.
#[derive(Message)]
#[rtype(result = "Result<EditOutcome, CaseError>")]
pub struct Edit {
    /// Who.
    pub user: Principal,
    /// What.
    pub changes: Vec<FieldChange>,
}

/// The actor.
pub struct CaseActor {
    id: String,
    store: Store,
    wake: Arc<Notify>,
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

impl Handler<Edit> for CaseActor {
    type Result = AtomicResponse<Self, Result<EditOutcome, CaseError>>;

    fn handle(&mut self, edit: Edit, _: &mut Self::Context) -> Self::Result {
        self.last_command = Instant::now();
        let store = self.store.clone();
        let wake = self.wake.clone();
        let id = self.id.clone();
        // Atomic: the next command on this case starts only when this one has finished.
        AtomicResponse::new(Box::pin(
            async move {
                let render = |row: &_, timeline: &[_], names: &_| {
                    super::fragments::case_edit_event(&id, row, timeline, names)
                };
                let outcome = edit_fields(&store, &edit.user, &id, &edit.changes, &render).await;
                if matches!(outcome, Ok(EditOutcome::Saved { .. })) {
                    wake.notify_one();
                }
                outcome
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
            wake: self.wake.clone(),
            registry: self.registry.clone(),
            last_command: Instant::now(),
        }
        .start();
        registry.insert(id.to_owned(), addr.clone());
        addr
    }

    /// Runs an edit through the case's actor (the caller has checked the user may see it).
    pub async fn edit(
        &self,
        id: &str,
        user: Principal,
        changes: Vec<FieldChange>,
    ) -> Result<EditOutcome, CaseError> {
        let mut message = Some(Edit { user, changes });
        for _ in 0..3 {
            let Some(edit) = message.take() else { break };
            let (user, changes) = (edit.user.clone(), edit.changes.clone());
            match self.actor(id).send(edit).await {
                Ok(outcome) => return outcome,
                // The actor stopped as the message arrived: start a new one and try again.
                Err(_) => message = Some(Edit { user, changes }),
            }
        }
        Err(CaseError::Invalid {
            field: "case",
            message: "The case could not be opened for changes. Try again.".to_owned(),
        })
    }
}
