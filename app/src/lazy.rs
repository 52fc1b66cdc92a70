//! Screens whose code the browser fetches only when one is opened.
//!
//! `lazy_screens!` turns a page component into a Leptos lazy route: in the
//! browser build its view is compiled into a `#[wasm_split]` function, which
//! `scripts/build.sh` (tools/wasm-split) cuts out of the main module into a
//! chunk of its own. The server renders the page as usual. A developer on the
//! portal never downloads the administrator screens, and an administrator
//! fetches each screen's code the first time they open it.
//!
//! A chunk that fails to load (network gone, a deploy removed it) shows
//! [`ChunkFailed`] with a retry instead of stopping the app: the split is
//! declared `fallible`, and a failed load is not remembered, so the retry
//! fetches it again.
use crate::i18n::{tr, Msg};
use leptos::prelude::*;

/// Defines, per entry, a route type `$route` (for `Lazy::<$route>::new()`)
/// whose view is the component `$page`, in the chunk named `$chunk`. Screens
/// of one area share a chunk: every distinct set of screens that shares some
/// code gets a chunk of its own, so one chunk per screen made hundreds of
/// tiny files, each a request.
macro_rules! lazy_screens {
    ($( $route:ident => $chunk:ident : $page:ident ),* $(,)?) => { $(
        pub struct $route;

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> ::leptos::prelude::AnyView {
                #[cfg(feature = "hydrate")]
                {
                    match $page::$route().await {
                        Ok(view) => view,
                        Err(_) => ::leptos::prelude::IntoAny::into_any(
                            ::leptos::prelude::view! { <$crate::lazy::ChunkFailed/> },
                        ),
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                {
                    ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page/> })
                }
            }

            async fn preload() {
                // A failure here shows up again, with its message, in `view`.
                #[cfg(feature = "hydrate")]
                let _ = $page::preload().await;
            }
        }

        #[cfg(feature = "hydrate")]
        #[allow(non_snake_case)]
        mod $page {
            use super::*;

            #[::leptos::wasm_split::wasm_split(
                $chunk,
                wasm_split_path = ::leptos::wasm_split,
                preload(preload),
                fallible
            )]
            // The name must differ per screen: the split's symbol is made from it.
            pub fn $route() -> Result<::leptos::prelude::AnyView, ::leptos::wasm_split::SplitLoaderError> {
                Ok(::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page/> }))
            }
        }
    )* };
}
pub(crate) use lazy_screens;

/// Shown in place of a screen whose code could not be fetched.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[component]
pub fn ChunkFailed() -> impl IntoView {
    view! {
        <div class="error-banner" role="alert">
            <p>{tr(Msg::ChunkFailed)}</p>
            <button type="button" class="button" on:click=|_| reload()>{tr(Msg::Retry)}</button>
        </div>
    }
}

/// Loads the page again: the failed fetch is not remembered, so this asks
/// the server once more (and picks up a new build if one replaced the old).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn reload() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}
