//! The `kw` binary: parse arguments, set up logging, run the subcommand, map the
//! result to an exit code. Nothing else lives here.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = kw::cli::Cli::parse();
    kw::cli::init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kw: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(kw::cli::run(cli));
    // Don't wait for lingering background tasks (idle connections) on the way out.
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if kw::cli::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kw: {e:#}");
            ExitCode::from(kw::cli::exit_code_of(&e))
        }
    }
}
