use argorithm_server::settings::{markdown_table, Cli, Settings};
use argorithm_server::startup::Application;
use argorithm_server::{api, telemetry};
use clap::CommandFactory;
use std::collections::HashMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Help is drawn from the declarations as they are, environment variables named.
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{}", Cli::command().render_long_help());
        return ExitCode::SUCCESS;
    }
    let vars: HashMap<String, String> = std::env::vars().collect();
    let cli = match Cli::parse_from_map(args, &vars) {
        Ok(cli) => cli,
        Err(e) => return refuse(e),
    };
    if cli.print_openapi {
        print!("{}", api::spec_yaml());
        return ExitCode::SUCCESS;
    }
    if cli.print_settings_table {
        print!("{}", markdown_table());
        return ExitCode::SUCCESS;
    }
    if cli.print_python_runtime {
        return match sandbox::PythonSetup::built_in(Default::default()).component {
            Ok(path) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(why) => {
                eprintln!("argorithm-server: no Python runtime: {why}");
                ExitCode::FAILURE
            }
        };
    }
    let prepare = cli.prepare_python_runtime;
    let settings = match Settings::from_cli(cli, &vars) {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    if prepare {
        return prepare_python_runtime(settings);
    }
    // Runs execute on blocking threads; a large stack leaves room for the wasm stack limit.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .expect("tokio runtime");
    match runtime.block_on(serve(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("argorithm-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// One line naming what is wrong, and the exit status of a usage error.
fn refuse(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("argorithm-server: {e}");
    ExitCode::from(2)
}

/// Compiles the Python runtime into PYTHON_RUNTIME_CACHE (if it is not there yet), so that the
/// first start of a server, e.g. in a container image, need not.
fn prepare_python_runtime(settings: Settings) -> ExitCode {
    let started = std::time::Instant::now();
    let sandbox = match sandbox::Sandbox::with_python(settings.sandbox.clone(), &settings.python) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("argorithm-server: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    match sandbox.python_status() {
        Ok(compiled) => {
            let what = if compiled { "compiled" } else { "already compiled" };
            println!("python runtime {what} in {}, {:.1} s", settings.python.cache_dir.display(), started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("argorithm-server: the Python runtime is unavailable: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let _log = telemetry::init(&settings.storage_folder, settings.log_files)?;
    let app = Application::build(settings).await?;
    // Plain on the console, where people and scripts read it; into the log file with the rest.
    for line in app.banner() {
        println!("{line}");
        tracing::info!(target: telemetry::FILE_ONLY, "{line}");
    }
    app.run_until_stopped().await?;
    Ok(())
}
