//! The wasm entry point: hydrates the server-rendered page.
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Waits for the chunks of the screen on show before hydrating it.
    leptos::mount::hydrate_lazy(app::App);
}
