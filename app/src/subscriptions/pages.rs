//! The developer's Subscriptions page and the administrators' Subscriptions screen.
