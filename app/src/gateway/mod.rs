//! The key check an API gateway calls for every request (nginx
//! `auth_request`, Traefik ForwardAuth, Envoy ext_authz over HTTP).
//!
//! The answer comes from memory: `index::Gate` holds every subscription's
//! key hashes with the subscription's and its owner's state, loaded at start
//! and kept in step by the key change log (migration 0008), which database
//! triggers write in the same transaction as every change a check depends
//! on. A local write applies the log before its call returns (see
//! `Gate::commit`), so revocation is in force when the call returns; changes
//! from other processes arrive through a poll, and a periodic comparison
//! with the database repairs anything else. Several replicas on PostgreSQL
//! hear of changes through LISTEN/NOTIFY (`listen`), and a revoking call
//! waits until every replica holds it (`replicas`).
mod follow;
pub mod index;
mod listen;
pub mod meter;
mod replicas;
pub mod repo;
pub mod web;

pub use index::{Gate, Verdict};
