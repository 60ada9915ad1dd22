//! libFuzzer entry point: the readers' invariants on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = workspaceapp_capture::fuzzing::check_readers(data) {
        panic!("reader invariant broken: {broken}");
    }
});
