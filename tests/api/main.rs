//! Integration tests against the real server binary (one test binary, many
//! modules, as in zero2prod's tests/api).
mod apis;
mod authorization;
mod busy;
mod cli;
mod emails;
mod first_admin;
mod gateway;
mod groups;
mod health;
mod invitations;
mod key_log;
mod pages;
mod products;
mod recovery;
mod replicas;
mod rest;
mod rest_catalogue;
mod retention;
mod revocation;
mod security;
mod sign_in;
mod signup;
mod templates;
mod usage;
mod users;
mod users_list;
