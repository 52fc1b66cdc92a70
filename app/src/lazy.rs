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
                    let first = $crate::lazy::first_screen();
                    match $page::$route().await {
                        Ok(view) => view,
                        Err(_) if first => $crate::lazy::stop_hydrating::<::leptos::prelude::AnyView>().await,
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
                // While the first screen hydrates, the router goes on as soon
                // as this returns and would hydrate the missing screen, a
                // mismatch: on failure it must not return. On a click, the
                // failure shows up again, with its message, in `view`.
                #[cfg(feature = "hydrate")]
                if $page::preload().await.is_err() && $crate::lazy::is_first_screen() {
                    $crate::lazy::stop_hydrating::<()>().await;
                }
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

/// True the first time only: the first screen the app shows is the one the
/// server rendered and the browser hydrates; later ones are opened by clicks.
/// (Leptos's own "during hydration" flag is not reachable from the lazy
/// view's future: it is polled outside any reactive owner.) After a 404 page,
/// which is not lazy, the first screen opened by a click counts as first: its
/// failure then shows the message outside the app, which works as well.
#[cfg(feature = "hydrate")]
pub fn first_screen() -> bool {
    FIRST.swap(false, std::sync::atomic::Ordering::Relaxed)
}

/// `first_screen` without using it up (the router preloads, then views).
#[cfg(feature = "hydrate")]
pub fn is_first_screen() -> bool {
    FIRST.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(feature = "hydrate")]
static FIRST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// The first screen's code did not arrive. The server's markup stays as it
/// is (readable, its links and plain forms work) and hydration waits for
/// ever: any view returned here would differ from that markup, and Leptos
/// stops the whole app on a mismatch. The message with Retry is added
/// outside the app's markup.
#[cfg(feature = "hydrate")]
pub async fn stop_hydrating<T>() -> T {
    show_failure_outside_app();
    std::future::pending().await
}

#[cfg(feature = "hydrate")]
fn show_failure_outside_app() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Some(body), Ok(panel), Ok(text), Ok(button)) =
        (doc.body(), doc.create_element("div"), doc.create_element("p"), doc.create_element("button"))
    else {
        return;
    };
    let lang = crate::i18n::initial_lang();
    panel.set_class_name("error-banner load-failed");
    let _ = panel.set_attribute("role", "alert");
    text.set_text_content(Some(Msg::ChunkFailed.text(lang)));
    button.set_class_name("button");
    let _ = button.set_attribute("type", "button");
    button.set_text_content(Some(Msg::Retry.text(lang)));
    let on_click = Closure::<dyn Fn()>::new(reload);
    let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget(); // lives as long as the page
    let _ = panel.append_child(&text);
    let _ = panel.append_child(&button);
    let _ = body.append_child(&panel);
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
