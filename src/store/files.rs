//! Document bytes (consent forms, right-to-work evidence) in object storage: local disk in the
//! embedded default, S3-compatible storage in production. The database keeps each document's
//! row and key; the bytes live here under a random key, written before the row commits.

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

/// Where documents are kept.
#[derive(Clone, Debug)]
pub struct Files(Arc<dyn ObjectStore>);

/// Storage failed.
#[derive(Debug, thiserror::Error)]
#[error("document storage: {0}")]
pub struct FilesError(#[from] object_store::Error);

impl Files {
    /// Local disk under `dir` (created when missing).
    pub fn local(dir: &std::path::Path) -> Result<Files, FilesError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            FilesError(object_store::Error::Generic {
                store: "local",
                source: Box::new(e),
            })
        })?;
        Ok(Files(Arc::new(LocalFileSystem::new_with_prefix(dir)?)))
    }

    /// Storage named by a URL (`s3://bucket/prefix`), configured from the environment.
    pub fn from_url(url: &str) -> Result<Files, FilesError> {
        let parsed = url::Url::parse(url).map_err(|e| {
            FilesError(object_store::Error::Generic {
                store: "url",
                source: Box::new(e),
            })
        })?;
        let (store, prefix) = object_store::parse_url_opts(&parsed, std::env::vars())?;
        Ok(Files(Arc::new(object_store::prefix::PrefixStore::new(
            store, prefix,
        ))))
    }

    /// A new random key for a participant's document.
    pub fn new_key(participant: &str) -> String {
        format!(
            "participants/{participant}/{}.pdf",
            uuid::Uuid::new_v4().simple()
        )
    }

    /// Writes a document.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), FilesError> {
        self.0
            .put(&Path::from(key), PutPayload::from(Bytes::from(bytes)))
            .await?;
        Ok(())
    }

    /// Reads a document.
    pub async fn get(&self, key: &str) -> Result<Bytes, FilesError> {
        Ok(self.0.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Removes a document whose row did not commit.
    pub async fn delete(&self, key: &str) -> Result<(), FilesError> {
        self.0.delete(&Path::from(key)).await?;
        Ok(())
    }
}
