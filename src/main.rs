//! The `clanscope` binary: everything is in the library; the command line is `clanscope::cli`.

fn main() -> std::process::ExitCode {
    clanscope::cli::main()
}
