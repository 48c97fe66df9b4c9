//! `GET /v1/agent/cases/{id}/bundle`: the case's dispute bundle (`shared::dispute_bundle`)
//! as a ZIP written while it streams to the agent: the transcript, each piece of
//! evidence read from R2 a chunk at a time (never a whole file in memory), then the
//! manifest of the digests taken as the bytes went by. Entries are stored, not
//! deflated: photos, videos and PDFs are compressed already. rawzip writes the ZIP: it
//! needs no seeking (sizes and CRCs follow each entry in a data descriptor).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use futures_channel::mpsc;
use futures_util::{future, stream, StreamExt};
use rawzip::time::UtcDateTime;
use rawzip::ZipArchiveWriter;
use redress_shared::agent_api::CaseDetail;
use redress_shared::dispute_bundle::{self, EvidenceSource, Manifest, ManifestFile};
use redress_shared::time::parse_rfc3339;
use redress_shared::{hex, ApiError, ErrorCode};
use sha2::{Digest, Sha256};
use worker::{Bucket, Env, Request, Response};

use crate::api::agent::not_found;
use crate::api::agent_auth::open;
use crate::db::agent_cases;
use crate::{bindings, clock, db, http};

/// Chunks written but not yet taken by the response: one keeps at most one R2 chunk
/// (and its ZIP framing) waiting, whatever the size of the files.
const CHUNKS_IN_FLIGHT: usize = 1;

pub async fn answer(req: Request, env: &Env, case_id: &str) -> Result<Response, ApiError> {
    let (db, agent) = open(&req, env).await?;
    let now = clock::now_rfc3339();
    // The bundle is for a third party: its transcript holds what people wrote, as written.
    let detail = agent_cases::detail(&db, (&agent.store_id, None), case_id, &now)
        .await?
        .ok_or_else(not_found)?
        .detail;
    let (keys, sources): (Vec<String>, Vec<EvidenceSource>) =
        agent_cases::bundle_objects(&db, &agent.store_id, case_id)
            .await?
            .into_iter()
            .map(agent_cases::BundleObject::into_source)
            .unzip();
    let bucket = bindings::evidence(env)?;
    // Every object is there before the first byte leaves: a missing one is an error the
    // agent reads, not an archive cut short.
    for (key, source) in keys.iter().zip(&sources) {
        if bucket.head(key).await.map_err(db::unavailable)?.is_none() {
            worker::console_error!("bundle: evidence {} of {case_id} missing", source.position);
            return Err(ApiError::new(
                ErrorCode::StorageUnavailable,
                "A file of this case cannot be read from storage now; nothing was sent.",
            ));
        }
    }
    let name = dispute_bundle::download_name(detail.case.reference.as_str());
    let transcript = dispute_bundle::transcript(&detail, &sources, &now);
    let bundle = Bundle {
        detail,
        transcript,
        keys,
        sources,
        now,
    };

    let (sender, chunks) = mpsc::channel::<Vec<u8>>(CHUNKS_IN_FLIGHT);
    let writing = write(sender, bucket, bundle);
    // The response pulls the chunks; pulling also drives the writer, which waits while
    // a chunk is not taken. A writer's failure ends the body with an error, so the
    // agent's download fails rather than ending in a short, valid-looking file.
    let failure = stream::once(writing).filter_map(|done| future::ready(done.err().map(Err)));
    let body = Box::pin(stream::select(chunks.map(Ok), failure));
    http::attachment(body, "application/zip", &name)
}

/// What the bundle is written from, read before the first byte is sent.
struct Bundle {
    detail: CaseDetail,
    transcript: String,
    /// The R2 keys of `sources`, in the same order.
    keys: Vec<String>,
    sources: Vec<EvidenceSource>,
    now: String,
}

/// Writes the bundle into `sender`, a chunk at a time.
async fn write(
    mut sender: mpsc::Sender<Vec<u8>>,
    bucket: Bucket,
    bundle: Bundle,
) -> worker::Result<()> {
    let Bundle {
        detail,
        transcript,
        keys,
        sources,
        now,
    } = bundle;
    let spool = Spool::default();
    let mut archive = ZipArchiveWriter::new(spool.clone());
    let mut files = vec![whole(
        &mut archive,
        dispute_bundle::TRANSCRIPT,
        dispute_bundle::TRANSCRIPT_TYPE,
        transcript.as_bytes(),
        &now,
    )?];
    send(&mut sender, &spool).await?;

    for (key, source) in keys.iter().zip(&sources) {
        let object = bucket
            .get(key)
            .execute()
            .await?
            .ok_or_else(|| failed(format!("evidence {} vanished", source.position)))?;
        let mut body = object
            .body()
            .ok_or_else(|| failed(format!("evidence {} has no body", source.position)))?
            .stream()?;
        let path = source.path();
        let (mut entry, config) = archive
            .new_file(path.as_str())
            .last_modified(zip_time(&source.received_at))
            .start()
            .map_err(zip_failed)?;
        let mut data = config.wrap(&mut entry);
        let (mut digest, mut size) = (Sha256::new(), 0u64);
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            digest.update(&chunk);
            size += chunk.len() as u64;
            data.write_all(&chunk).map_err(|e| failed(e.to_string()))?;
            send(&mut sender, &spool).await?;
        }
        let (_, written) = data.finish().map_err(zip_failed)?;
        entry.finish(written).map_err(zip_failed)?;
        files.push(ManifestFile::evidence(
            source,
            hex(&digest.finalize()),
            size,
        ));
    }

    let manifest = Manifest::new(&detail, &now, files);
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| failed(e.to_string()))?;
    whole(
        &mut archive,
        dispute_bundle::MANIFEST,
        "application/json",
        &manifest,
        &now,
    )?;
    archive.finish().map_err(zip_failed)?;
    send(&mut sender, &spool).await
}

/// Writes a file the worker made itself as one entry; what the manifest says of it.
fn whole(
    archive: &mut ZipArchiveWriter<Spool>,
    path: &str,
    media_type: &str,
    bytes: &[u8],
    at: &str,
) -> worker::Result<ManifestFile> {
    let (mut entry, config) = archive
        .new_file(path)
        .last_modified(zip_time(at))
        .start()
        .map_err(zip_failed)?;
    let mut data = config.wrap(&mut entry);
    data.write_all(bytes).map_err(|e| failed(e.to_string()))?;
    let (_, written) = data.finish().map_err(zip_failed)?;
    entry.finish(written).map_err(zip_failed)?;
    Ok(ManifestFile {
        path: path.to_owned(),
        media_type: media_type.to_owned(),
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        at: at.to_owned(),
        sha256_at_upload: None,
    })
}

/// Hands what the archive wrote since the last time to the response, once it has room.
async fn send(sender: &mut mpsc::Sender<Vec<u8>>, spool: &Spool) -> worker::Result<()> {
    let chunk = spool.take();
    if chunk.is_empty() {
        return Ok(());
    }
    // The receiver is gone only when the agent stopped the download.
    future::poll_fn(|cx| sender.poll_ready(cx))
        .await
        .and_then(|()| sender.start_send(chunk))
        .map_err(|_| failed("the download was abandoned".into()))
}

/// Where the archive writes: bytes wait here until `send` hands them on.
#[derive(Clone, Default)]
struct Spool(Rc<RefCell<Vec<u8>>>);

impl Spool {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An entry's time: its RFC 3339 time to the second (the epoch if unreadable).
fn zip_time(at: &str) -> UtcDateTime {
    UtcDateTime::from_unix(parse_rfc3339(at).unwrap_or_default().div_euclid(1000))
}

fn zip_failed(e: rawzip::Error) -> worker::Error {
    failed(e.to_string())
}

fn failed(message: String) -> worker::Error {
    worker::console_error!("bundle cut short: {message}");
    worker::Error::RustError(message)
}
