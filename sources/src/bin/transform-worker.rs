//! A transform worker process on its own (see `sources::transform::worker`): the hub starts
//! itself with a hidden subcommand instead, but tests and tools can start this one.

fn main() {
    std::process::exit(sources::transform::worker::main());
}
