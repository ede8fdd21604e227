//! Entry point of the wasm build: mounts the app. (Natively it only says how to build it;
//! the native build exists for the unit tests.)

fn main() {
    #[cfg(target_arch = "wasm32")]
    dashboard::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the dashboard runs in a browser: build it with scripts/build-dashboard.sh");
}
