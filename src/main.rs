//! The `clanscope` binary: everything is in the library; the command line is `clanscope::cli`.

fn main() -> std::process::ExitCode {
    clanscope::cli::main()
}

/// Runs before Rust's start-up code, which opens `/dev/null` on a closed standard stream: a
/// standard output closed by the shell (`>&-`) is noted here, while it still shows, so that a
/// command writing there refuses instead of writing into nothing and ending in success.
extern "C" fn note_closed_stdout() {
    // SAFETY: fcntl F_GETFD only asks whether descriptor 1 is open.
    if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
        clanscope::output::note_stdout_closed();
    }
}

#[used]
#[link_section = ".init_array"]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;
