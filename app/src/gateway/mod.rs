//! The key check an API gateway calls for every request (nginx
//! `auth_request`, Traefik ForwardAuth, Envoy ext_authz over HTTP).
//!
//! The answer comes from memory: `index::Gate` holds every subscription's
//! key hashes with the subscription's and its owner's state, loaded at start
//! and changed by the writes that change them. Revocation is immediate
//! because a write that takes access away marks its entries before it
//! commits (see `Gate::commit`), so no check after the commit can succeed
//! with the old key.
pub mod index;
pub mod web;

pub use index::{Affected, Gate, Verdict};
